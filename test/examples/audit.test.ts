import { Testing } from 'cdk8s';
import { buildExample, exampleNames } from '../../examples/diagrams';
import { Reachability } from '../../src';

/*
 * Every example passes its own audit at the lowest threshold: any finding left is one the example
 * accepts on its object, with a reason (AuditAcceptance), as a user would.
 */
describe('the examples pass their own audit at failOn low', () => {
  test.each(exampleNames())('%s', (example) => {
    const app = Testing.app();
    buildExample(example, app);
    const findings = Reachability.fromApp(app).audit();
    expect(findings.filter((f) => !f.suppressed).map((f) => `${f.ruleId} ${f.resource}: ${f.message}`)).toEqual([]);
    for (const f of findings) expect(f.suppressionReason).toMatch(/\w{3,}/);
  });

  test('the eight documented examples are all checked', () => {
    expect(exampleNames()).toHaveLength(8);
  });
});
