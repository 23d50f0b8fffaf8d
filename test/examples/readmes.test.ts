import { diagramBlock, exampleDiagram, exampleNames, readmeDiagram } from '../../examples/diagrams';

describe('example READMEs', () => {
  test.each(exampleNames())('%s shows the current diagram of its allowed flows', (example) => {
    const diagram = exampleDiagram(example);
    expect(diagram).toMatch(/^flowchart LR\n/);
    // Regenerate with `npx projen example-diagrams` when an example's flows change on purpose.
    expect(readmeDiagram(example)).toBe(diagramBlock(diagram));
  });
});
