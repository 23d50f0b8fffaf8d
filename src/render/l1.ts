import type * as CertManager from '../imports/cert-manager.io';
import type * as GatewayApi from '../imports/gateway.networking.k8s.io';
import type * as IstioNetworking from '../imports/networking.istio.io';
import type * as IstioSecurity from '../imports/security.istio.io';

/*
 * The generated L1 modules, loaded on first use. They are large (cert-manager's alone is 1.9 MB of
 * JavaScript, about 12 ms to load), and an app that never emits a Certificate or an Istio object should
 * not pay for them when it imports the library. Types come from the modules as usual; only values (the
 * classes and enums) go through these functions.
 */

/* eslint-disable @typescript-eslint/no-require-imports */

/** The cert-manager.io L1 module. */
export function certManager(): typeof CertManager {
  return require('../imports/cert-manager.io');
}

/** The networking.istio.io L1 module. */
export function istioNetworking(): typeof IstioNetworking {
  return require('../imports/networking.istio.io');
}

/** The security.istio.io L1 module. */
export function istioSecurity(): typeof IstioSecurity {
  return require('../imports/security.istio.io');
}

/** The gateway.networking.k8s.io L1 module (Gateway API v1). */
export function gatewayApi(): typeof GatewayApi {
  return require('../imports/gateway.networking.k8s.io');
}
