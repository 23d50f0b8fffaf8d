import * as fs from 'fs';
import * as path from 'path';
import { AuditRules } from '../src/analysis';
import { auditRulesTable, AUDIT_RULES_MARKERS, withAuditRulesTable } from '../src/audit/audit-rules-table';

/*
 * The README lists every audit rule in a table generated from the catalogue; `npx ts-node
 * scripts/readme-audit-rules.ts` rewrites it. The docs index links every file of docs/.
 */

const ROOT = path.join(__dirname, '..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

test('the README table between the audit-rules markers is the generated one, one row per rule', () => {
  expect(withAuditRulesTable(README)).toBe(README);
  const table = README.slice(README.indexOf(AUDIT_RULES_MARKERS.start), README.indexOf(AUDIT_RULES_MARKERS.end));
  for (const rule of AuditRules.all()) expect(table).toContain(`| ${rule.id} | \`${rule.name}\` | ${rule.severity} |`);
  expect(auditRulesTable().split('\n')).toHaveLength(AuditRules.all().length + 2);
});

test('the README links every file of docs/', () => {
  for (const file of fs.readdirSync(path.join(ROOT, 'docs')).filter(f => f.endsWith('.md'))) {
    expect(README).toContain(`(docs/${file})`);
  }
});

test('the README says how to install from npm and from PyPI, and keeps the contributor Quick start', () => {
  expect(README).toContain('npm install cdk8s-netsec');
  expect(README).toContain('pip install cdk8s-netsec');
  expect(README).toMatch(/## Contributing[\s\S]*### Quick start[\s\S]*npm run example[\s\S]*npm run check/);
});
