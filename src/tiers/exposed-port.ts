import { Port } from '../core/port';

/** A Service port as emitted. */
export interface ExposedPort {
  /** The Service port's name. */
  readonly name: string;
  /** The port clients connect to. */
  readonly port: number;
  /** The tier's container port traffic is forwarded to. */
  readonly targetPort: Port;
}
