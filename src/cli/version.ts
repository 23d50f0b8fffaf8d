import * as fs from 'fs';
import * as path from 'path';

/**
 * The version of the installed package, read from its package.json (two folders up from lib/cli/ in the
 * package, and from src/cli/ in a checkout), so that it is the version npm and pip installed.
 */
export function packageVersion(): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));
  return String(manifest.version);
}
