import { AuditFinding, AuditOptions } from './audit-finding';
import { ClusterIndex } from './cluster';
import { ManifestModel } from './manifests';

/** Runs every rule of the catalogue. (Implementation in progress.) */
export function runAudit(_model: ManifestModel, _index: ClusterIndex, _options: AuditOptions): AuditFinding[] {
  throw new Error('Reachability.audit: not implemented yet');
}
