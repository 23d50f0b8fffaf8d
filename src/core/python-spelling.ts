import { KEYWORD_METHODS, PYTHON_NAMES } from './python-names';

/*
 * Error messages in the caller's language. The messages are written once, in TypeScript spelling
 * (`new IsolatedTier(..., { podLabels })`, `allowFrom`, `serviceAccountName`); a Python app reaches the same
 * code through jsii, whose Python runtime starts the library's Node process with
 * `JSII_AGENT=Python/<version>` (aws/jsii, packages/@jsii/python-runtime/src/jsii/_kernel/providers/process.py).
 * For that caller the names of the public API are rewritten into their Python spelling, from the table
 * generated from the compiled assembly (./python-names.ts), so a new prop is covered without touching a
 * message:
 *
 * - `new X(a, { k: v, s })` becomes `X(a, k=v, s=...)`: props are keyword arguments in Python;
 * - a call `Class.method(...)`, `.method(...)` or `method(...)` gets the method's Python name, and its
 *   trailing struct becomes keyword arguments when Python lifts it (`IngressController.custom(...)`);
 * - an object or array given as an argument becomes a Python dict or list literal (keys as written: a
 *   dict passed for a struct keeps the TypeScript keys);
 * - a bare API name (`serviceAccountName`, `allowInternet`) gets its Python spelling.
 *
 * What is data stays as written: double-quoted strings (offending values, names), and field paths and
 * braces in prose, which name Kubernetes fields (`spec.podSelector`, `{ matchLabels: ... }`), not
 * arguments. The construct path and the offending value never pass through here (see errors.ts).
 */

/** True when the library runs under jsii's Python runtime, i.e. a Python app is calling. */
export function callerIsPython(env: { readonly [name: string]: string | undefined } = process.env): boolean {
  return (env.JSII_AGENT ?? '').startsWith('Python/');
}

/** `text` (a message's "what is wrong" or "how to fix") with the public API's names as Python spells them. */
export function toPythonSpelling(text: string): string {
  return prose(text);
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*/;

/** The Python spelling of a public API name; undefined for any other word (`constructor` included). */
function pythonName(name: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(PYTHON_NAMES, name) ? PYTHON_NAMES[name] : undefined;
}
const CLOSERS: { [open: string]: string } = { '(': ')', '[': ']', '{': '}' };

function prose(text: string): string {
  let out = '';
  let lastClass: string | undefined; // the class a leading-dot call (`, .istio()`) continues from
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      const end = closingQuote(text, i);
      out += text.slice(i, end + 1);
      i = end + 1;
      continue;
    }
    if (c === '{') {
      // Braces in prose show a manifest or a plain object: kept as written.
      const end = matching(text, i);
      if (end > i) {
        out += text.slice(i, end + 1);
        i = end + 1;
        continue;
      }
    }
    const word = /[\w$]/.test(text[i - 1] ?? '') ? null : IDENTIFIER.exec(text.slice(i));
    if (!word) {
      out += c;
      i++;
      continue;
    }
    const name = word[0];
    const construction = name === 'new' ? /^new\s+([A-Z][\w$]*)\(/.exec(text.slice(i)) : null;
    if (construction) {
      const open = i + construction[0].length - 1;
      const close = matching(text, open);
      if (close > open) {
        out += `${construction[1]}(${argumentList(text.slice(open + 1, close), true)})`;
        i = close + 1;
        continue;
      }
    }
    const after = i + name.length;
    const receiver = receiverOf(text, i);
    if (/^[A-Z]/.test(name)) lastClass = name;
    if (receiver !== undefined && /^[A-Z]/.test(receiver)) lastClass = receiver;
    if (text[after] === '(') {
      const close = matching(text, after);
      if (close > after) {
        const owner = receiver === '' ? lastClass : receiver;
        const lifted = KEYWORD_METHODS.has(`${owner}.${name}`) || KEYWORD_METHODS.has(name);
        out += `${pythonName(name) ?? name}(${argumentList(text.slice(after + 1, close), lifted)})`;
        i = close + 1;
        continue;
      }
    }
    out += isApiName(text, i, name, receiver) ? pythonName(name) : name;
    i = after;
  }
  return out;
}

/**
 * The identifier before `name`'s dot: `Class` in `Class.name`, '' for a leading dot (`, .istio`) or a
 * chained call (`...).withAppProtocol`), undefined when there is no dot.
 */
function receiverOf(text: string, at: number): string | undefined {
  if (text[at - 1] !== '.') return undefined;
  const before = /([A-Za-z_$][\w$]*)?(\)?)\.$/.exec(text.slice(0, at));
  return before?.[1] !== undefined && before[2] === '' ? before[1] : '';
}

/**
 * A bare name is the API's unless it is part of a field path (`spec.podSelector`, `ports[0]`,
 * `podSelector.x`) or of a construct path (`shop/allowFrom`), which are data.
 */
function isApiName(text: string, at: number, name: string, receiver: string | undefined): boolean {
  if (pythonName(name) === undefined) return false;
  if (receiver !== undefined && receiver !== '' && !/^[A-Z]/.test(receiver)) return false;
  if (text[at - 1] === '/') return false;
  const next = text.slice(at + name.length);
  return !/^(\.[\w$]|\[|\/)/.test(next);
}

/** Call arguments in Python: literals converted, a lifted trailing struct as keyword arguments. */
function argumentList(inner: string, liftLastObject: boolean): string {
  const parts = splitTopLevel(inner);
  return parts.map((part, index) => {
    const lead = /^\s*/.exec(part)![0];
    const core = part.trim();
    if (index === parts.length - 1 && liftLastObject && isWhole(core, '{')) return lead + keywordArguments(core);
    return lead + value(core);
  }).join(',');
}

function keywordArguments(objectLiteral: string): string {
  const inner = objectLiteral.slice(1, -1).trim();
  return splitTopLevel(inner).map((entry) => entry.trim()).filter((entry) => entry.length > 0).map((entry) => {
    if (entry.startsWith('...')) return '...';
    const colon = topLevelColon(entry);
    if (colon < 0) return `${keyword(entry)}=...`;
    return `${keyword(entry.slice(0, colon).trim())}=${value(entry.slice(colon + 1).trim())}`;
  }).join(', ');
}

/** A prop's keyword: the API's spelling, or jsii's rule for a prop of another library (cdk8s's Chart). */
function keyword(name: string): string {
  return pythonName(name) ?? name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/** A TypeScript literal or expression as Python writes it. */
function value(expression: string): string {
  if (/^'[^']*'$/.test(expression)) return JSON.stringify(expression.slice(1, -1));
  const constant: { [word: string]: string } = { true: 'True', false: 'False', undefined: 'None', null: 'None' };
  if (constant[expression] !== undefined) return constant[expression];
  if (isWhole(expression, '[')) return `[${splitTopLevel(expression.slice(1, -1)).map((e) => e.trim()).filter((e) => e.length > 0).map(value).join(', ')}]`;
  if (isWhole(expression, '{')) {
    const entries = splitTopLevel(expression.slice(1, -1)).map((e) => e.trim()).filter((e) => e.length > 0).map((entry) => {
      if (entry.startsWith('...')) return '...';
      const colon = topLevelColon(entry);
      if (colon < 0) return `${dictKey(entry)}: ...`;
      return `${dictKey(entry.slice(0, colon).trim())}: ${value(entry.slice(colon + 1).trim())}`;
    });
    return `{${entries.join(', ')}}`;
  }
  return prose(expression);
}

function dictKey(key: string): string {
  if (/^["']/.test(key)) return JSON.stringify(key.slice(1, -1));
  return JSON.stringify(key);
}

/** True when `text` is one bracketed group opened by `open`, e.g. `{ a: 1 }` but not `{ a } or { b }`. */
function isWhole(text: string, open: string): boolean {
  return text.startsWith(open) && matching(text, 0) === text.length - 1;
}

/** The index of the bracket closing the one at `open`, skipping strings and nested brackets (-1 if none). */
function matching(text: string, open: number): number {
  const stack: string[] = [];
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      i = closingQuote(text, i);
    } else if (CLOSERS[c] !== undefined) {
      stack.push(CLOSERS[c]);
    } else if (c === ')' || c === ']' || c === '}') {
      if (stack.pop() !== c) return -1;
      if (stack.length === 0) return i;
    }
  }
  return -1;
}

function closingQuote(text: string, open: number): number {
  for (let i = open + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return text.length - 1;
}

/** The indexes of `wanted` outside brackets and strings. */
function topLevelIndexes(text: string, wanted: string): number[] {
  const found: number[] = [];
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      i = closingQuote(text, i);
    } else if (CLOSERS[c] !== undefined) {
      depth++;
    } else if (c === ')' || c === ']' || c === '}') {
      depth--;
    } else if (c === wanted && depth === 0) {
      found.push(i);
    }
  }
  return found;
}

/** Splits at the commas outside brackets and strings. */
function splitTopLevel(text: string): string[] {
  const cuts = [-1, ...topLevelIndexes(text, ','), text.length];
  return cuts.slice(1).map((end, i) => text.slice(cuts[i] + 1, end));
}

function topLevelColon(entry: string): number {
  return topLevelIndexes(entry, ':')[0] ?? -1;
}
