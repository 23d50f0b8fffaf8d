/*
 * scripts/release.js on a scratch repository: the next version and the CHANGELOG.md section follow the
 * conventional commits since the last release, and the version .projenrc.ts reads is the new one.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { releasedVersion } from '../../projenrc/release';

const SCRIPT = path.join(__dirname, '..', '..', 'scripts', 'release.js');
let repo: string;

function git(...args: string[]): string {
  return execFileSync('git', args, {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com', GIT_COMMITTER_DATE: '2026-12-05T10:00:00Z', GIT_AUTHOR_DATE: '2026-12-05T10:00:00Z' },
  });
}
function commit(message: string) {
  fs.appendFileSync(path.join(repo, 'work.txt'), `${message}\n`);
  git('add', '-A');
  git('commit', '-q', '-m', message);
}
function release(...args: string[]): string {
  return execFileSync(process.execPath, [SCRIPT, ...args], { cwd: repo, encoding: 'utf8' });
}

beforeEach(() => {
  repo = fs.mkdtempSync(path.join(os.tmpdir(), 'netsec-release-'));
  git('init', '-q');
  fs.writeFileSync(path.join(repo, 'CHANGELOG.md'), '# Changelog\n\nIntro.\n\n## [0.1.0] - 2026-12-01\n\nFirst.\n');
  commit('chore(release): 0.1.0');
});
afterEach(() => fs.rmSync(repo, { recursive: true, force: true }));

test('below 1.0, a feature or a breaking change bumps the minor version; the section lists them by kind, newest release first', () => {
  commit('fix(cli): exit status of eval');
  commit('docs: typo');
  commit('feat(tiers): fromWorkload accepts cdk8s-plus-34');
  commit('refactor!: rename Flow\n\nBREAKING CHANGE: Flow is AllowedFlow.');
  commit('not conventional at all');
  expect(release()).toContain('CHANGELOG.md has 0.2.0');
  const changelog = fs.readFileSync(path.join(repo, 'CHANGELOG.md'), 'utf8');
  const section = changelog.slice(changelog.indexOf('## [0.2.0]'), changelog.indexOf('## [0.1.0]'));
  expect(changelog.startsWith('# Changelog\n\nIntro.\n\n## [0.2.0] - 2026-12-05\n')).toBe(true);
  expect(section).toMatch(/### ⚠ BREAKING CHANGES\n\n- Flow is AllowedFlow\. \([0-9a-f]{7}\)\n/);
  expect(section).toMatch(/### Features\n\n- \*\*tiers:\*\* fromWorkload accepts cdk8s-plus-34 \([0-9a-f]{7}\)\n/);
  expect(section).toMatch(/### Bug Fixes\n\n- \*\*cli:\*\* exit status of eval \([0-9a-f]{7}\)\n/);
  expect(section).not.toMatch(/typo|not conventional/);
  expect(releasedVersion(repo)).toBe('0.2.0');
});

test('only fixes bump the patch version; --dry-run leaves CHANGELOG.md alone; nothing releasable changes nothing', () => {
  commit('chore: tidy');
  expect(release()).toContain('nothing to release');
  commit('fix: one');
  const before = fs.readFileSync(path.join(repo, 'CHANGELOG.md'), 'utf8');
  expect(release('--dry-run')).toContain('would release 0.1.1');
  expect(fs.readFileSync(path.join(repo, 'CHANGELOG.md'), 'utf8')).toBe(before);
  release();
  expect(releasedVersion(repo)).toBe('0.1.1');
  // The release commit is the new baseline: the fix is not released twice.
  commit('chore(release): 0.1.1');
  expect(release()).toContain('nothing to release');
});

test('from 1.0 on, a breaking change bumps the major version and a feature the minor one', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { nextVersion } = require(SCRIPT);
  const breaking = [{ type: 'fix', breaking: true }];
  const feature = [{ type: 'feat', breaking: false }];
  expect(nextVersion([1, 4, 2], breaking)).toEqual([2, 0, 0]);
  expect(nextVersion([1, 4, 2], feature)).toEqual([1, 5, 0]);
  expect(nextVersion([0, 4, 2], breaking)).toEqual([0, 5, 0]);
  expect(nextVersion([1, 4, 2], [{ type: 'perf', breaking: false }])).toEqual([1, 4, 3]);
});
