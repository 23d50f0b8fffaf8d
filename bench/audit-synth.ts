/*
 * What the NetsecAudit construct adds to `app.synth()`: an app of C charts (one namespace each) with 20
 * exposed tiers per chart in a call chain, synthesized without and with a NetsecAudit, median of runs.
 *
 *   npx ts-node -P bench/tsconfig.json -T bench/audit-synth.ts [charts=10,40] [runs=5]
 *
 * cdk8s validates the whole app again inside every chart it renders, so a validation that audits the
 * app must not redo the audit each time; this measures that it does not.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { AuditSeverity, IsolatedTier, NamespaceIsolation, NetsecAudit, Port } from '../src';

function synthOnce(charts: number, audit: boolean): number {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'netsec-audit-bench-'));
  try {
    const app = new App({ outdir });
    let previous: IsolatedTier | undefined;
    for (let c = 0; c < charts; c++) {
      const chart = new Chart(app, `ns${c}`, { namespace: `ns${c}` });
      new NamespaceIsolation(chart, 'baseline');
      for (let t = 0; t < 20; t++) {
        const tier = new IsolatedTier(chart, `t${t}`, { podLabels: { app: `t${t}` }, ports: [Port.tcp(8080)] });
        tier.expose();
        if (previous) tier.allowFrom(previous, Port.tcp(8080));
        previous = tier;
      }
    }
    if (audit) new NetsecAudit(app.charts[0], 'audit', { failOn: AuditSeverity.CRITICAL });
    const start = process.hrtime.bigint();
    app.synth();
    return Number(process.hrtime.bigint() - start) / 1e6;
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sizes = (process.argv[2] ?? '10,40').split(',').map(Number);
const runs = Number(process.argv[3] ?? 5);
console.log('| charts | tiers | synth ms | synth ms with NetsecAudit | ratio |');
console.log('|---:|---:|---:|---:|---:|');
for (const charts of sizes) {
  synthOnce(charts, true); // warm up the module and JIT
  const plain: number[] = [];
  const audited: number[] = [];
  for (let r = 0; r < runs; r++) {
    plain.push(synthOnce(charts, false));
    audited.push(synthOnce(charts, true));
  }
  const [p, a] = [median(plain), median(audited)];
  console.log(`| ${charts} | ${charts * 20} | ${p.toFixed(0)} | ${a.toFixed(0)} | ${(a / p).toFixed(2)} |`);
}
