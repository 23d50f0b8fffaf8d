/*
 * How often an error message names a construct path. cdk8s prints `[<path>] ` before each message a
 * construct's validation returns (`Validation failed with the following errors:` then one line each), so
 * such a message must not name that path again; a thrown error names its construct once, first.
 */

/** Characters that continue a path: a mention of `shop/web` is not one inside `shop/web-2` or `shop/web/Service`. */
const PATH_CHARACTER = '[A-Za-z0-9_/.-]';

/** How many times `text` names `path` as a whole path (`[path]`, `path:`, `path's` and `"path"` all count). */
export function pathMentions(text: string, path: string): number {
  const escaped = path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  // A trailing dot ends a sentence unless a path character follows it.
  return text.match(new RegExp(`(?<!${PATH_CHARACTER})${escaped}(?![A-Za-z0-9_/-]|\\.[A-Za-z0-9_])`, 'g'))?.length ?? 0;
}

/** The paths cdk8s printed before the validation messages of `message`, one per line (`[path] ...`). */
export function validationPaths(message: string): string[] {
  return message.split('\n').map((line) => /^\s*\[([^\]]+)\] /.exec(line)?.[1]).filter((p): p is string => p !== undefined);
}

/**
 * The lines of `message` that name one of `paths` more than once (the `[path]` cdk8s prints included),
 * each with the path: empty when every construct is named at most once per problem. By default the
 * paths are those cdk8s printed.
 */
export function pathsNamedTwice(message: string, paths: string[] = validationPaths(message)): string[] {
  return message.split('\n').flatMap((line) => paths.filter((p) => pathMentions(line, p) > 1).map((p) => `${p} in: ${line.trim()}`));
}
