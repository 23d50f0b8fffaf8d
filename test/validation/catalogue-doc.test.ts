/*
 * docs/validation-plugin.md lists the audit rules; the list must be the catalogue, rule for rule.
 */
import * as fs from 'fs';
import * as path from 'path';
import { AuditRules } from '../../src/analysis';

const DOC = path.join(__dirname, '..', '..', 'docs', 'validation-plugin.md');

/** The table as the doc must contain it, between the rules:start and rules:end markers. */
function ruleTable(): string {
  return [
    '| ID | Name | Severity | Finds |',
    '| --- | --- | --- | --- |',
    ...AuditRules.all().map(r => `| ${r.id} | \`${r.name}\` | ${r.severity} | ${r.description.replace(/\|/g, '\\|')} |`),
  ].join('\n');
}

test('the rule table of docs/validation-plugin.md is AuditRules.all()', () => {
  const doc = fs.readFileSync(DOC, 'utf8');
  const table = /<!-- rules:start -->\n([\s\S]*?)\n<!-- rules:end -->/.exec(doc)?.[1];
  // On a mismatch, the expected side is the table to paste into the doc.
  expect(table).toBe(ruleTable());
});
