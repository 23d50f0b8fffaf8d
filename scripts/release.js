#!/usr/bin/env node
/*
 * Cuts a release offline: reads the conventional commits since the last release, picks the next version,
 * and writes its section at the top of CHANGELOG.md. Nothing is published, committed or tagged; the
 * script prints the commands for that. `npx projen release` runs it, then `npx projen` so that
 * package.json carries the new version (.projenrc.ts reads it from CHANGELOG.md).
 *
 * The last release is the newest commit whose subject is `chore(release): x.y.z`; before the first one,
 * the commit that added CHANGELOG.md. Versions follow semver; below 1.0 a breaking change or a feature
 * bumps the minor version and anything else releasable the patch version, from 1.0 on a breaking change
 * bumps the major version and a feature the minor one. Releasable: feat, fix, perf, revert, and anything
 * marked breaking (`type!:` or a `BREAKING CHANGE:` footer); docs, test, chore, ci, build, style and
 * refactor commits are listed nowhere, and commits that are not conventional are ignored.
 *
 * Usage: node scripts/release.js [--dry-run]   (run from the repository root)
 */
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const SECTIONS = [
  ['breaking', '### ⚠ BREAKING CHANGES'],
  ['feat', '### Features'],
  ['fix', '### Bug Fixes'],
  ['perf', '### Performance'],
  ['revert', '### Reverts'],
];

function git(root, ...args) {
  return execFileSync('git', args, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

/** The version of the newest `## [x.y.z]` heading. */
function currentVersion(changelog) {
  const heading = /^## \[(\d+)\.(\d+)\.(\d+)\]/m.exec(changelog);
  if (!heading) throw new Error('CHANGELOG.md has no "## [x.y.z]" heading to release after.');
  return heading.slice(1, 4).map(Number);
}

/** The commit of the last release, or the one that added CHANGELOG.md. */
function lastRelease(root) {
  const released = git(root, 'log', '-1', '--format=%H', '-E', '--grep=^chore\\(release\\): [0-9]+\\.[0-9]+\\.[0-9]+').trim();
  if (released) return released;
  const added = git(root, 'log', '--format=%H', '--diff-filter=A', '--', 'CHANGELOG.md').trim().split('\n').pop();
  if (!added) throw new Error('CHANGELOG.md is not committed: commit it (with the current release) first.');
  return added;
}

/** The conventional commits after `base`, oldest first. */
function commitsSince(root, base) {
  const log = git(root, 'log', '--reverse', '--no-merges', '--format=%H%x1f%s%x1f%b%x1e', `${base}..HEAD`);
  return log.split('\x1e').map((entry) => entry.trim()).filter(Boolean).map((entry) => {
    const [hash, subject, body] = entry.split('\x1f');
    const match = /^(\w+)(?:\(([^)]+)\))?(!)?: (.+)$/.exec(subject);
    if (!match) return undefined;
    const footer = /^BREAKING[ -]CHANGE: ([\s\S]+?)(?:\n\n|$)/m.exec(body || '');
    return {
      hash, type: match[1].toLowerCase(), scope: match[2], subject: match[4],
      breaking: match[3] === '!' || footer !== null, breakingNote: footer ? footer[1].trim().replace(/\s*\n\s*/g, ' ') : undefined,
    };
  }).filter(Boolean);
}

function nextVersion([major, minor, patch], commits) {
  const breaking = commits.some((c) => c.breaking);
  const feature = commits.some((c) => c.type === 'feat');
  if (major === 0) return breaking || feature ? [0, minor + 1, 0] : [0, minor, patch + 1];
  if (breaking) return [major + 1, 0, 0];
  return feature ? [major, minor + 1, 0] : [major, minor, patch + 1];
}

function section(version, date, commits) {
  const item = (c, text) => `- ${c.scope ? `**${c.scope}:** ` : ''}${text} (${c.hash.slice(0, 7)})`;
  const lines = [`## [${version}] - ${date}`, ''];
  for (const [kind, title] of SECTIONS) {
    const entries = kind === 'breaking'
      ? commits.filter((c) => c.breaking).map((c) => item(c, c.breakingNote || c.subject))
      : commits.filter((c) => c.type === kind).map((c) => item(c, c.subject));
    if (entries.length > 0) lines.push(title, '', ...entries, '');
  }
  return lines.join('\n');
}

/** Writes the next release into CHANGELOG.md under `root`; returns the version, or undefined when nothing is releasable. */
function release(root, options = {}) {
  const file = path.join(root, 'CHANGELOG.md');
  const changelog = fs.readFileSync(file, 'utf8');
  const commits = commitsSince(root, lastRelease(root))
    .filter((c) => c.breaking || SECTIONS.some(([kind]) => kind === c.type));
  if (commits.length === 0) return undefined;
  const version = nextVersion(currentVersion(changelog), commits).join('.');
  // The date of the newest commit released, so that the same history always gives the same file.
  const date = git(root, 'log', '-1', '--format=%cs', 'HEAD').trim();
  const at = changelog.search(/^## /m);
  const updated = `${changelog.slice(0, at)}${section(version, date, commits)}\n${changelog.slice(at)}`;
  if (!options.dryRun) fs.writeFileSync(file, updated);
  return { version, text: section(version, date, commits) };
}

module.exports = { release, nextVersion, commitsSince };

if (require.main === module) {
  const dryRun = process.argv.includes('--dry-run');
  const root = process.cwd();
  const result = release(root, { dryRun });
  if (result === undefined) {
    console.log('release: no feat, fix, perf, revert or breaking commit since the last release; nothing to release.');
  } else {
    console.log(result.text);
    console.log(dryRun
      ? `release: would release ${result.version} (dry run, CHANGELOG.md unchanged).`
      : `release: CHANGELOG.md has ${result.version}. Review it, then:\n`
        + `  git commit -am "chore(release): ${result.version}" && git tag v${result.version}\n`
        + '  npx projen package-all   # dist/js/*.tgz and dist/python/*.whl; publishing is not done from here');
  }
}
