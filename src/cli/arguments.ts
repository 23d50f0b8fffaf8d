import { didYouMean } from './suggest';
import { netsecError } from '../core/errors';

/*
 * A small argv parser: `--name value`, `--name=value`, boolean `--name`, `-h`, and `--` to end the
 * options. Unknown options and missing values are errors that name the option and list the known ones.
 */

/** One option a command accepts. */
export interface OptionSpec {
  /** The long name without dashes, e.g. `fail-on`. */
  readonly name: string;
  /** True when the option takes a value (`--port tcp/80`); false for a switch (`--json`). */
  readonly takesValue: boolean;
  /** True when the option may be given more than once; its values are collected in order. */
  readonly repeatable?: boolean;
}

/** The options and operands of one command line. */
export interface ParsedArguments {
  /** The operands (file and directory paths), in order. */
  readonly operands: string[];
  /** The switches given, by name. */
  readonly switches: Set<string>;
  /** The values of options that take one, by name, in the order given. */
  readonly values: Map<string, string[]>;
}

/** Parses the arguments after the command name; throws a usage error naming the offending argument. */
export function parseArguments(command: string, argv: readonly string[], specs: readonly OptionSpec[]): ParsedArguments {
  const known = new Map(specs.map(spec => [spec.name, spec]));
  const parsed: ParsedArguments = { operands: [], switches: new Set(), values: new Map() };
  const where = `cdk8s-netsec ${command}`;
  const help = `Run "cdk8s-netsec ${command} --help" for the options.`;
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i];
    if (argument === '--') {
      parsed.operands.push(...argv.slice(i + 1));
      break;
    }
    if (argument === '-h') {
      parsed.switches.add('help');
      continue;
    }
    if (!argument.startsWith('--')) {
      // A lone "-" is an operand (standard input), like any path.
      if (argument.startsWith('-') && argument !== '-') {
        const suggestion = didYouMean(`--${argument.replace(/^-+/, '')}`, specs.map(s => `--${s.name}`));
        throw netsecError(where, 'does not know this option', argument, `Options are spelled out with two dashes.${suggestion} ${help}`);
      }
      parsed.operands.push(argument);
      continue;
    }
    const equals = argument.indexOf('=');
    const name = argument.slice(2, equals < 0 ? undefined : equals);
    const spec = known.get(name);
    if (!spec) {
      const names = specs.map(s => `--${s.name}`);
      throw netsecError(where, 'does not know this option', argument, `Known options: ${names.join(', ')}.${didYouMean(`--${name}`, names)} ${help}`);
    }
    if (!spec.takesValue) {
      if (equals >= 0) throw netsecError(where, `--${name} takes no value`, argument, `Write --${name} alone. ${help}`);
      parsed.switches.add(name);
      continue;
    }
    let value: string;
    if (equals >= 0) {
      value = argument.slice(equals + 1);
    } else {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('-') && next !== '-')) {
        throw netsecError(where, `--${name} needs a value`, argument, `Write --${name} <value> or --${name}=<value>. ${help}`);
      }
      value = next;
      i++;
    }
    const previous = parsed.values.get(name) ?? [];
    if (previous.length > 0 && !spec.repeatable) {
      throw netsecError(where, `--${name} is given more than once`, [...previous, value], `Give --${name} once. ${help}`);
    }
    parsed.values.set(name, [...previous, value]);
  }
  return parsed;
}

/** The single value of an option, or undefined when it was not given. */
export function valueOf(parsed: ParsedArguments, name: string): string | undefined {
  return parsed.values.get(name)?.[0];
}

/** The values of a repeatable option, each split at commas, blanks dropped. */
export function listOf(parsed: ParsedArguments, name: string): string[] {
  return (parsed.values.get(name) ?? []).flatMap(v => v.split(',')).map(v => v.trim()).filter(v => v.length > 0);
}
