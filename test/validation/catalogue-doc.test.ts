/*
 * docs/validation-plugin.md lists the audit rules; the list must be the catalogue, rule for rule.
 */
import * as fs from 'fs';
import * as path from 'path';
import { auditRulesTable } from '../../src/audit/audit-rules-table';

const DOC = path.join(__dirname, '..', '..', 'docs', 'validation-plugin.md');

test('the rule table of docs/validation-plugin.md is AuditRules.all()', () => {
  const doc = fs.readFileSync(DOC, 'utf8');
  const table = /<!-- rules:start -->\n([\s\S]*?)\n<!-- rules:end -->/.exec(doc)?.[1];
  // On a mismatch, the expected side is the table to paste into the doc.
  expect(table).toBe(auditRulesTable());
});
