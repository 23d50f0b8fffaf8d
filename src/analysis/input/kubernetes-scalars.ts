/*
 * How Kubernetes reads a YAML scalar. kubectl, the API server and cdk8s-cli turn YAML into JSON with
 * sigs.k8s.io/yaml, whose parser (a fork of go-yaml v2) resolves plain scalars by YAML 1.1 rules with Go
 * number parsing: `0120` is octal 80, `0b1010000` and `0o120` are 80, `8_0` is 80, `yes`/`on`/`y` are
 * true and `no`/`off`/`n` are false. The `yaml` package reads YAML 1.2, where the same text is 120, a
 * string or a word. Reading a manifest differently from the cluster is how a proof goes blind (a policy
 * port the cluster reads as 80 read here as a port named `0b1010000`), so every plain scalar is resolved
 * here the way Kubernetes resolves it. Timestamps stay strings, as they do in Kubernetes (go-yaml v2
 * decodes them into an interface{} as text).
 */

/** The value Kubernetes gives an untagged plain scalar written as `source`. */
export function kubernetesPlainScalar(source: string): unknown {
  if (Object.prototype.hasOwnProperty.call(WORDS, source)) return WORDS[source];
  const first = source.charAt(0);
  if (first === '.') {
    return FLOAT.test(source) ? Number(source) : source;
  }
  if (!/^[-+0-9]$/.test(first)) return source;
  const plain = source.replace(/_/g, '');
  const integer = goParseInt(plain);
  if (integer !== undefined) return integer;
  if (FLOAT.test(plain)) return Number(plain);
  return source;
}

/** go-yaml v2's resolve table: the words it reads as booleans, nulls and special floats. */
const WORDS: Record<string, unknown> = Object.create(null);
for (const [value, words] of [
  [true, 'y Y yes Yes YES true True TRUE on On ON'],
  [false, 'n N no No NO false False FALSE off Off OFF'],
  [null, '~ null Null NULL'],
  [NaN, '.nan .NaN .NAN'],
  [Infinity, '.inf .Inf .INF +.inf +.Inf +.INF'],
  [-Infinity, '-.inf -.Inf -.INF'],
] as const) {
  for (const word of words.split(' ')) WORDS[word] = value;
}
WORDS[''] = null;

/** go-yaml v2's yamlStyleFloat. */
const FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

/** strconv.ParseInt(text, 0, 64) (and ParseUint): sign, then 0x / 0o / 0b / leading-0 octal / decimal. */
function goParseInt(text: string): number | undefined {
  const match = /^([-+]?)(.*)$/.exec(text)!;
  const negative = match[1] === '-';
  const body = match[2];
  let digits: string;
  let base: number;
  if (/^0[xX]/.test(body)) {
    digits = body.slice(2); base = 16;
  } else if (/^0[bB]/.test(body)) {
    digits = body.slice(2); base = 2;
  } else if (/^0[oO]/.test(body)) {
    digits = body.slice(2); base = 8;
  } else if (body.length > 1 && body.startsWith('0')) {
    digits = body.slice(1); base = 8;
  } else {
    digits = body; base = 10;
  }
  const alphabet = '0123456789abcdef'.slice(0, base);
  if (digits.length === 0 || [...digits.toLowerCase()].some(c => !alphabet.includes(c))) return undefined;
  const value = parseInt(digits, base);
  return negative ? -value : value;
}

/** The YAML 1.1 core tags an explicit tag may name, and the JavaScript type each resolves to. */
export const CORE_TAG_TYPES: Readonly<Record<string, string>> = {
  'tag:yaml.org,2002:int': 'number',
  'tag:yaml.org,2002:float': 'number',
  'tag:yaml.org,2002:bool': 'boolean',
  'tag:yaml.org,2002:null': 'null',
};
