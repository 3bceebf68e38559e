import { parseArgs } from 'node:util';

/** UsageError is a bad flag or value: the CLI prints its message on one line and exits 2. */
export class UsageError extends Error {}

/** FlagSpec describes one flag: its environment variable, default and kind. */
export interface FlagSpec {
  env?: string;
  default?: string;
  /** kind `url` is an absolute http:// or https:// URL. */
  kind: 'string' | 'int' | 'boolean' | 'url';
  /** min and max bound an int. */
  min?: number;
  max?: number;
  /** choices bound a string. */
  choices?: readonly string[];
  description: string;
}

/** Flags maps flag names (without `--`) to their spec. */
export type Flags = Record<string, FlagSpec>;

/** ParsedFlags holds each flag's value: from the command line, else its variable, else its default. */
export type ParsedFlags = Record<string, string | number | boolean | undefined>;

/**
 * wantsHelp tells whether `args` ask for help: `--help` or `-h` anywhere, or `help` as the
 * action. Commands check it before anything else, so help never needs a key, a store or a server.
 */
export function wantsHelp(args: readonly string[]): boolean {
  return args[0] === 'help' || args.some((arg) => arg === '--help' || arg === '-h');
}

/** parseFlags reads `args` against `flags`; throws UsageError on anything unknown or out of range. */
export function parseFlags(args: string[], flags: Flags, env: NodeJS.ProcessEnv = process.env): ParsedFlags {
  let values: Record<string, string | boolean | undefined>;
  try {
    const options = Object.fromEntries(
      Object.entries(flags).map(([name, spec]) => [name, { type: spec.kind === 'boolean' ? ('boolean' as const) : ('string' as const) }]),
    );
    values = parseArgs({ args: joinNegativeValues(args, flags), options, strict: true, allowPositionals: false }).values as typeof values;
  } catch (error) {
    throw new UsageError(parseArgsMessage(error as Error & { code?: string }));
  }
  const out: ParsedFlags = {};
  for (const [name, spec] of Object.entries(flags)) {
    const raw = values[name] ?? (spec.env ? env[spec.env] : undefined) ?? spec.default;
    const source = values[name] !== undefined ? `--${name}` : spec.env && env[spec.env] !== undefined ? spec.env : `--${name}`;
    if (raw === undefined) continue;
    if (spec.kind === 'boolean') {
      out[name] = raw === true || raw === 'true' || raw === '1';
    } else if (spec.kind === 'int') {
      const text = String(raw).trim();
      const n = Number(text);
      if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(n)) throw new UsageError(`${source} must be a whole number, not ${JSON.stringify(raw)}`);
      if (spec.min !== undefined && n < spec.min) throw new UsageError(`${source} must be at least ${spec.min}, not ${n}`);
      if (spec.max !== undefined && n > spec.max) throw new UsageError(`${source} must be at most ${spec.max}, not ${n}`);
      out[name] = n;
    } else if (spec.kind === 'url') {
      const text = String(raw).trim();
      if (!isHttpUrl(text)) throw new UsageError(`${source} must be an http:// or https:// URL such as http://127.0.0.1:8080, not ${JSON.stringify(text)}`);
      out[name] = text;
    } else {
      const text = String(raw);
      if (spec.choices && !spec.choices.includes(text)) throw new UsageError(`${source} must be one of ${spec.choices.join(', ')}, not ${JSON.stringify(text)}`);
      out[name] = text;
    }
  }
  return out;
}

// parseArgs takes `--workers -1` for a flag without its value followed by a flag `-1`; a flag
// that takes a value means it as the value, so the range check can answer in words.
function joinNegativeValues(args: string[], flags: Flags): string[] {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const name = args[i]!.startsWith('--') ? args[i]!.slice(2) : '';
    const next = args[i + 1];
    if (Object.hasOwn(flags, name) && flags[name]!.kind !== 'boolean' && next !== undefined && /^-\d/.test(next)) {
      joined.push(`--${name}=${next}`);
      i++;
    } else {
      joined.push(args[i]!);
    }
  }
  return joined;
}

// parseArgs words its errors for programmers ("argument is ambiguous"); these are for operators.
function parseArgsMessage(error: Error & { code?: string }): string {
  const flag = /'(-[^' ]+)/.exec(error.message)?.[1];
  const word = /'([^']+)'/.exec(error.message)?.[1];
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown flag ${flag}; --help lists the flags`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (error.message.includes('does not take an argument')) return `${flag} is a switch and takes no value`;
      // "Missing", or "ambiguous": the next word is another flag, so this one got no value.
      return `${flag} needs a value`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected ${JSON.stringify(word)}: flags start with --; --help lists them`;
  }
  return error.message.split('\n')[0]!;
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/** flagHelp lists the flags for `--help`. */
export function flagHelp(flags: Flags): string {
  return Object.entries(flags)
    .map(([name, spec]) => {
      const extra = [spec.env, spec.default !== undefined ? `default ${spec.default}` : undefined].filter(Boolean).join(', ');
      return `  --${name.padEnd(14)} ${spec.description}${extra ? ` (${extra})` : ''}`;
    })
    .join('\n');
}
