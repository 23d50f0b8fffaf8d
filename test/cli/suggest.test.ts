import { cli } from './run-cli';
import { closestWord, editDistance } from '../../src/cli/suggest';

describe('closestWord', () => {
  test('edit distance counts insertions, deletions, substitutions and neighbour swaps once each', () => {
    expect(editDistance('analyse', 'analyze')).toBe(1);
    expect(editDistance('--flow', '--flows')).toBe(1);
    expect(editDistance('--form', '--from')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('diff', 'diff')).toBe(0);
  });

  test('suggests the closest word within a third of the length, at least one edit; nothing for other words', () => {
    expect(closestWord('analyse', ['analyze', 'diff', 'eval'])).toBe('analyze');
    expect(closestWord('evl', ['analyze', 'diff', 'eval'])).toBe('eval');
    expect(closestWord('DIFF', ['analyze', 'diff', 'eval'])).toBe('diff');
    expect(closestWord('deploy', ['analyze', 'diff', 'eval'])).toBeUndefined();
    expect(closestWord('x', ['analyze'])).toBeUndefined();
  });
});

describe('the command line suggests what a typo meant', () => {
  test('an unknown command names the closest one and exits 2', () => {
    const run = cli(['analyse', 'clean']);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('Error: cdk8s-netsec: does not know this command ("analyse"). Commands: analyze, diff, eval, help, --version. Did you mean "analyze"? Run "cdk8s-netsec --help" for usage.\n');
    expect(cli(['deploy']).stderr).not.toContain('Did you mean');
    expect(cli(['help', 'evl']).stderr).toContain('Did you mean "eval"?');
  });

  test('an unknown option names the closest option of that command, with two dashes or one', () => {
    const run = cli(['analyze', '--flow', 'clean']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('does not know this option ("--flow")');
    expect(run.stderr).toContain('Did you mean "--flows"?');
    expect(cli(['eval', '--form', 'shop/web', '--to', 'shop/api', '--port', '80', 'clean']).stderr).toContain('Did you mean "--from"?');
    expect(cli(['analyze', '-flows', 'clean']).stderr).toContain('Options are spelled out with two dashes. Did you mean "--flows"?');
    expect(cli(['analyze', '--zzzzzzzz', 'clean']).stderr).not.toContain('Did you mean');
  });
});
