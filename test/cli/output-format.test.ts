import { cli } from './run-cli';
import { edgesDot, edgesMermaid, parseOutputFormat, tableCsv, tableMarkdown, tableText } from '../../src/cli/output-format';

describe('output formats', () => {
  const table = { columns: ['From', 'To', 'Ports'], rows: [['shop/web', 'shop/api', 'TCP 80, 443'], ['a|b', 'say "hi"', 'x\ny']] };

  test('text aligns columns; Markdown escapes pipes and line breaks; CSV quotes commas, quotes and line breaks', () => {
    expect(tableText({ columns: table.columns, rows: [table.rows[0]] })).toBe('From      To        Ports\nshop/web  shop/api  TCP 80, 443\n');
    expect(tableMarkdown(table)).toBe('| From | To | Ports |\n| --- | --- | --- |\n| shop/web | shop/api | TCP 80, 443 |\n| a\\|b | say "hi" | x y |\n');
    expect(tableCsv(table)).toBe('From,To,Ports\r\nshop/web,shop/api,"TCP 80, 443"\r\na|b,"say ""hi""","x\ny"\r\n');
  });

  test('DOT clusters nodes per namespace and quotes names; Mermaid escapes quotes', () => {
    const edges = [{ from: 'shop/web', to: 'shop/api', label: 'TCP 8080' }, { from: '0.0.0.0-255.255.255.255 (external)', to: 'shop/web', label: 'say "x"' }];
    expect(edgesDot('flows', edges)).toBe([
      'digraph "flows" {', '  rankdir=LR;', '  node [shape=box];',
      '  "0.0.0.0-255.255.255.255 (external)" [shape=ellipse];',
      '  subgraph cluster_1 {', '    label="namespace shop";', '    "shop/api";', '    "shop/web";', '  }',
      '  "shop/web" -> "shop/api" [label="TCP 8080"];',
      '  "0.0.0.0-255.255.255.255 (external)" -> "shop/web" [label="say \\"x\\""];', '}', '',
    ].join('\n'));
    expect(edgesMermaid(edges)).toContain('  n0 -->|"say #quot;x#quot;"| n2');
  });

  test('--output is checked: known formats only, markdown as an alias of md', () => {
    expect(parseOutputFormat('MARKDOWN', 'analyze')).toBe('md');
    expect(() => parseOutputFormat('yaml', 'analyze')).toThrow('cdk8s-netsec analyze --output: is not an output format ("yaml"). Use one of text, json, md, csv, dot, mermaid.');
  });

  test('analyze --flows --output prints only the flows, in the format asked for', () => {
    const md = cli(['analyze', 'diff/after.yaml', '--flows', '--output', 'md']);
    expect(md.status).toBe(0);
    expect(md.stdout).toBe([
      '| From | To | Ports |', '| --- | --- | --- |',
      '| shop/api | 0.0.0.0-255.255.255.255 (external) | TCP 443 |',
      '| shop/web | shop/api | TCP 8080-8081 |',
      '| shop/web | shop/db | TCP 5432 |', '',
    ].join('\n'));
    const csv = cli(['analyze', 'diff/after.yaml', '--flows', '--by-workload', '--output', 'csv']).stdout;
    expect(csv.split('\r\n')[2]).toBe('shop/web[Deployment],shop/api[Deployment],TCP 8080-8081');
    expect(cli(['analyze', 'diff/after.yaml', '--flows', '--output', 'dot']).stdout).toContain('"shop/web" -> "shop/db" [label="TCP 5432"];');
    expect(JSON.parse(cli(['analyze', 'diff/after.yaml', '--flows', '--output', 'json']).stdout)[0].toKind).toBe('address-range');
    expect(cli(['analyze', 'diff/after.yaml', '--output', 'md']).stderr).toContain('--output: only applies to --flows or --exposure');
    expect(cli(['analyze', 'diff/after.yaml', '--flows', '--exposure', '--output', 'md']).stderr).toContain('prints one report, and both --flows and --exposure are given');
    expect(cli(['analyze', 'diff/after.yaml', '--flows', '--json', '--output', 'md']).stderr).toContain('cannot be combined with --matrix, --mermaid or --json');
    expect(cli(['analyze', 'diff/after.yaml', '--flows', '--address-ranges', 'tiny']).stderr).toContain('is not a way to cut address ranges ("tiny"). Use maximal or policy-blocks.');
  });

  test('--exposure prints what can reach each workload in every format: text, JSON, Markdown, CSV, DOT and Mermaid', () => {
    const md = cli(['analyze', 'violations.yaml', '--exposure', '--output', 'md']).stdout;
    expect(md.split('\n')[0]).toBe('| Workload | From outside the cluster | From any namespace | From its own namespace | Paths in |');
    expect(md).toContain('| shop/web (');
    const csv = cli(['analyze', 'violations.yaml', '--exposure', '--output', 'csv']).stdout;
    expect(csv.split('\n')[0]).toBe('workload,kind,source,detail,ports,reachable');
    expect(csv).toMatch(/\nshop\/web,\w+,outside,0\.0\.0\.0-255\.255\.255\.255,TCP 8080,true\n/);
    const mermaid = cli(['analyze', 'violations.yaml', '--exposure', '--output', 'mermaid']).stdout;
    expect(mermaid).toContain('["0.0.0.0-255.255.255.255 (external)"]');
    expect(mermaid).toMatch(/n\d+ -->\|"TCP 8080"\| n\d+/);
    expect(cli(['analyze', 'violations.yaml', '--exposure', '--output', 'dot']).stdout).toContain('"0.0.0.0-255.255.255.255 (external)" -> "shop/web" [label="TCP 8080"];');
    const json = JSON.parse(cli(['analyze', 'violations.yaml', '--exposure', '--output', 'json']).stdout);
    expect(json.find((e: any) => e.workload === 'shop/web').fromOutside[0]).toMatchObject({ addresses: '0.0.0.0-255.255.255.255' });
    expect(cli(['analyze', 'violations.yaml', '--exposure', '--output', 'text']).stdout).toContain('from outside the cluster:');
  });
});
