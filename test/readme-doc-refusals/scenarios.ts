import { Chart, Testing } from 'cdk8s';
import {
  ClusterIsolation, ClusterIsolationProps, Destination, FqdnEnforcement, GatewayImplementation, IngressController, IsolatedTier, Port,
  RestrictedEgress, SecureGateway, SecureIngress,
} from '../../src';
import { cli } from '../cli/run-cli';

/* Scenarios for test/readme-doc-refusals.test.ts: small apps in which a documented refusal can happen. */

export interface Refusal {
  /** What is tried. */
  readonly case: string;
  /** Throws (or rejects) when the library refuses it. */
  readonly run: () => unknown;
  /** What the message must say. */
  readonly error: RegExp;
}

export interface Claim {
  readonly doc: string;
  /** Words of the sentence, as written in the doc (whitespace collapsed). */
  readonly quote: string;
  readonly refusals: Refusal[];
}

// ---- scenarios ---------------------------------------------------------------------------------------

/** A fresh app with a `shop` chart and its web (8080) and api (9090) tiers, each with a service account. */
export function shop() {
  const app = Testing.app();
  const chart = new Chart(app, 'shop', { namespace: 'shop' });
  const web = new IsolatedTier(chart, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)], serviceAccountName: 'web' });
  const api = new IsolatedTier(chart, 'api', { podLabels: { app: 'api' }, ports: [Port.tcp(9090)], serviceAccountName: 'api' });
  return { app, chart, web, api };
}

/** The same app with a cluster-scoped chart for guardrails. */
export function guarded(props: ClusterIsolationProps = {}) {
  const s = shop();
  const platform = new Chart(s.app, 'platform');
  const guardrails = new ClusterIsolation(platform, 'guardrails', { exemptNamespaces: ['kube-system'], ...props });
  return { ...s, platform, guardrails };
}

/** A RestrictedEgress of a fresh `client` tier; `allow` is called inside, so a refusing factory refuses there. */
export function egress(allow: () => Destination[], props: { fqdnEnforcement?: FqdnEnforcement; allowInternet?: boolean; tierProps?: any } = {}) {
  return () => {
    const { chart } = shop();
    const tier = new IsolatedTier(chart, 'client', { podLabels: { app: 'client' }, ...props.tierProps });
    new RestrictedEgress(chart, 'egress', { tier, allow: allow(), fqdnEnforcement: props.fqdnEnforcement, allowInternet: props.allowInternet });
  };
}

export function gatewayIngress(gatewayProps: Partial<ConstructorParameters<typeof SecureGateway>[2]>, ingressProps: any = {}) {
  return () => {
    const { chart, web } = shop();
    const gateway = new SecureGateway(chart, 'edge', {
      namespace: 'edge', gatewayClassName: 'eg', implementation: GatewayImplementation.envoyGateway(), clusterIssuer: 'letsencrypt-prod', ...gatewayProps,
    });
    new SecureIngress(chart, 'public', { host: 'shop.example.com', backend: web, port: Port.tcp(8080), gateway, ...ingressProps });
  };
}

export function controllerIngress(props: any) {
  return () => {
    const { chart, web } = shop();
    new SecureIngress(chart, 'public', {
      host: 'shop.example.com', backend: web, port: Port.tcp(8080), clusterIssuer: 'letsencrypt-prod', controller: IngressController.ingressNginx(), ...props,
    });
  };
}

export const haproxy = (props: any = {}) => IngressController.haproxy({ className: 'haproxy', namespace: 'haproxy', podLabels: { app: 'haproxy' }, ...props });

/** `cdk8s-netsec <argv>` on `stdin`, throwing its output when it refuses (exits non-zero). */
export function cliRefuses(argv: string[], stdin: string) {
  return () => {
    const run = cli(argv, { stdin });
    if (run.status !== 0) throw new Error(`${run.stderr}${run.stdout}`);
  };
}

export const POLICY = 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: { name: web, namespace: shop }\nspec: { podSelector: {} }\n';

/**
 * Builds `build` in a fresh app and synthesizes it, so that whole-app checks run. What the doc says fails
 * at synth must not be refused earlier: a construction that throws is reported without its message, so
 * that no expected message can match it.
 */
export function synth(build: (s: ReturnType<typeof shop>) => void) {
  return () => {
    const s = shop();
    buildAll(() => build(s));
    s.app.synth();
  };
}

export function synthGuarded(build: (s: ReturnType<typeof guarded>) => void, props: Parameters<typeof guarded>[0] = {}) {
  return () => {
    const s = guarded(props);
    buildAll(() => build(s));
    s.app.synth();
  };
}

function buildAll(build: () => void) {
  try {
    build();
  } catch (error) {
    throw Object.assign(new Error('refused at construction, where the doc says synth'), { cause: error });
  }
}

/**
 * `refused` when `fixed`, the fix the doc and the message name, goes through; a fix that is refused too is
 * reported without its message, so that no expected message can match it.
 */
export function unlessFixed(fixed: () => unknown, refused: () => unknown) {
  return () => {
    try {
      fixed();
    } catch (error) {
      throw Object.assign(new Error('the documented fix is refused too'), { cause: error });
    }
    return refused();
  };
}

/** A refused construct leaves the tree as it was, and a corrected retry with the same id works. */
export function leavesNothing(make: (chart: Chart, broken: boolean) => unknown): Refusal {
  return {
    case: 'the refused construct leaves nothing in the tree, and a corrected retry with the same id works',
    run: () => {
      const { chart } = shop();
      const before = chart.node.findAll().length;
      expect(() => make(chart, true)).toThrow();
      expect(chart.node.findAll().length).toBe(before);
      make(chart, false);
      throw new Error('refused, then retried: nothing was left behind');
    },
    error: /nothing was left behind/,
  };
}
