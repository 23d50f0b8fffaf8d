/*
 * Regenerates the audit rule table of README.md from AuditRules.all():
 *   npx ts-node scripts/readme-audit-rules.ts
 * test/readme-rules.test.ts fails while the README's table differs from the catalogue.
 */
import * as fs from 'fs';
import * as path from 'path';
import { withAuditRulesTable } from '../src/audit/audit-rules-table';

const readme = path.join(__dirname, '..', 'README.md');
fs.writeFileSync(readme, withAuditRulesTable(fs.readFileSync(readme, 'utf8')));
