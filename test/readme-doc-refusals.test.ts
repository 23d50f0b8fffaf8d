import * as fs from 'fs';
import * as path from 'path';
import { pathsNamedTwice } from './construct-paths';
import { EDGE_CLAIMS } from './readme-doc-refusals/edge';
import { EGRESS_MESH_CLAIMS } from './readme-doc-refusals/egress-mesh';
import { GUARDRAIL_COMBINATION_CLAIMS } from './readme-doc-refusals/guardrail-combinations';
import { KNOWN_GAPS } from './readme-doc-refusals/known-gaps';
import { PLATFORM_CLAIMS } from './readme-doc-refusals/platform';

/*
 * Each documented refusal is refused (issue 23 item 3). Every sentence of docs/*.md that says the library
 * refuses something, or that something is an error or fails synthesis, is claimed by a quote in
 * test/readme-doc-refusals/*.ts and proven by the calls it describes, with the message it must give; the
 * last test finds such sentences itself, so a new one without a proof fails here. Sentences about what
 * other software refuses (Istio, Cilium's DNS proxy, the cdk8s CLI) are listed apart, with the reason;
 * promises the library does not keep yet are pinned in readme-doc-refusals/known-gaps.ts.
 */

const DOCS = path.join(__dirname, '..', 'docs');
const text = (doc: string) => fs.readFileSync(path.join(DOCS, doc), 'utf8').replace(/\s+/g, ' ');

const CLAIMS = [...PLATFORM_CLAIMS, ...GUARDRAIL_COMBINATION_CLAIMS, ...EDGE_CLAIMS, ...EGRESS_MESH_CLAIMS];

/** Sentences that match the words of a refusal but claim none of the library's, with why. */
const NOT_OURS: { readonly doc: string; readonly quote: string; readonly why: string }[] = [
  { doc: 'cilium.md', quote: 'Cilium\'s DNS proxy answers a name outside its patterns with REFUSED', why: 'what Cilium\'s DNS proxy answers' },
  { doc: 'mesh-mtls.md', quote: 'every workload of the namespace refuses plaintext', why: 'what Istio enforces with the STRICT PeerAuthentication' },
  { doc: 'mesh-mtls.md', quote: 'plaintext callers carry no identity, so the ALLOW policies refuse them', why: 'what Istio enforces at run time' },
  { doc: 'validation-plugin.md', quote: 'It therefore also catches what the constructs cannot refuse', why: 'says what is not refused' },
  { doc: 'validation-plugin.md', quote: 'It then needs the exact version (it refuses ranges such as `^1.0.0`)', why: 'cdk8s-cli refuses it (lib/plugins/_manager.js: "Cannot be a range")' },
  { doc: 'validation-plugin.md', quote: 'Ignored rules are neither reported nor fail synthesis', why: 'says what does not fail (test/validation/plugin.test.ts)' },
  { doc: 'validation-plugin.md', quote: 'the recommendation starts with the severity and whether it fails synthesis', why: 'describes the report' },
  { doc: 'validation-plugin.md', quote: 'marked "suppressed ... never fails synthesis"', why: 'says what does not fail (test/validation/plugin.test.ts)' },
];

/** The sentences and table cells of a doc that claim a refusal or an error. */
function refusalSentences(doc: string): string[] {
  const markdown = fs.readFileSync(path.join(DOCS, doc), 'utf8').replace(/```[\s\S]*?```/g, ' ');
  // A table row is one claim; prose is split into paragraphs, then sentences.
  return markdown.split(/\n\s*\n|\n(?=\|)|(?<=\|)\n/)
    .flatMap((block) => (block.startsWith('|') ? [block] : block.replace(/\s+/g, ' ').split(/(?<=[.;])\s+(?=[A-Z`(*"])/)))
    .map((sentence) => sentence.trim())
    .filter((sentence) => /\b(refused|refuses|refuse|is an error|are an error|an error|errors at the call|is rejected|synthesis fails|synth fails|fails at synth|fails synthesis|fail synthesis|also fail|throws)\b/i.test(sentence));
}

describe('every refusal docs/*.md documents is refused', () => {
  const cases = CLAIMS.flatMap((claim) => claim.refusals.map((refusal) => [`${claim.doc}: ${refusal.case}`, claim, refusal] as const));

  test.each(cases)('%s', async (_name, claim, refusal) => {
    expect(text(claim.doc)).toContain(claim.quote);
    const refused = Promise.resolve().then(refusal.run);
    await expect(refused).rejects.toThrow(refusal.error);
    // Each problem names a construct once: no validation message repeats the path cdk8s prints before it.
    expect(pathsNamedTwice(await refused.then(() => '', (e: Error) => e.message))).toEqual([]);
  });

  // A promise the library does not keep yet is pinned, not proven: the pin fails once it is kept.
  test.each(KNOWN_GAPS.map((gap) => [`${gap.doc} (known gap): ${gap.gap}`, gap] as const))('%s', (_name, gap) => {
    expect(text(gap.doc)).toContain(gap.quote);
    gap.pin();
  });

  test('each sentence that claims a refusal is proven above or is about other software', () => {
    const docs = fs.readdirSync(DOCS).filter((f) => f.endsWith('.md')).sort();
    const unproven = docs.flatMap((doc) => refusalSentences(doc)
      .filter((sentence) => ![...CLAIMS, ...NOT_OURS].some((claim) => claim.doc === doc && sentence.includes(claim.quote)))
      .map((sentence) => `${doc}: ${sentence}`));
    expect(unproven).toEqual([]);
  });
});
