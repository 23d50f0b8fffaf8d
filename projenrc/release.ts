import * as fs from 'fs';
import * as path from 'path';

/**
 * The version of the latest release: the first `## [x.y.z]` heading of CHANGELOG.md, which
 * `npx projen release` (scripts/release.js) writes. package.json takes it from here, so the version lives
 * in one file that is reviewed with the release's notes.
 */
export function releasedVersion(root: string = path.join(__dirname, '..')): string {
  const changelog = fs.readFileSync(path.join(root, 'CHANGELOG.md'), 'utf8');
  const heading = /^## \[(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)\]/m.exec(changelog);
  if (!heading) throw new Error('CHANGELOG.md has no "## [x.y.z]" release heading; run `npx projen release`.');
  return heading[1];
}
