/**
 * Drop paths: JSON locations removed entirely before anything else looks at them.
 *
 * Syntax (rooted at the value passed to `redactValue`; the processor passes
 * `{ request, response, metadata, errorMessage }`):
 * - `a.b.c`: object keys separated by dots;
 * - `[3]`: array index; `[*]` or `*`: any key or index (one level); `**`: any number of levels;
 * - `["odd.key"]`: a key with dots, brackets or quotes in it (JSON string syntax).
 *
 * @example
 * 'request.messages[*].content'  // every message's content
 * '**.image_url'                 // any `image_url`, at any depth
 */

export type PathToken =
  | { kind: 'key'; name: string }
  | { kind: 'index'; index: number }
  | { kind: 'any' }
  | { kind: 'deep' };

/**
 * Parses a drop path; throws `SyntaxError` with a message naming the problem.
 *
 * @example
 * parseDropPath('request.messages[*].content');
 * // [{kind:'key',name:'request'},{kind:'key',name:'messages'},{kind:'any'},{kind:'key',name:'content'}]
 */
export function parseDropPath(path: string): PathToken[] {
  const tokens: PathToken[] = [];
  let i = 0;
  const fail = (message: string): never => {
    throw new SyntaxError(`${message} at character ${i + 1}`);
  };
  let expectSegment = true;
  while (i < path.length) {
    const c = path[i]!;
    if (c === '[') {
      const close = path.indexOf(']', i);
      if (close < 0) fail('unclosed "["');
      const inner = path.slice(i + 1, close);
      if (inner === '*') tokens.push({ kind: 'any' });
      else if (/^\d{1,9}$/.test(inner)) tokens.push({ kind: 'index', index: Number(inner) });
      else if (inner.startsWith('"')) {
        const end = findStringEnd(path, i + 1);
        if (end < 0 || path[end + 1] !== ']') fail('unterminated quoted key');
        tokens.push({ kind: 'key', name: JSON.parse(path.slice(i + 1, end + 1)) as string });
        i = end + 2;
        expectSegment = false;
        continue;
      } else fail('expected [*], [index] or ["key"]');
      i = close + 1;
      expectSegment = false;
    } else if (c === '.') {
      if (expectSegment) fail('empty segment');
      i++;
      expectSegment = true;
    } else {
      if (!expectSegment) fail('expected "." or "["');
      let end = i;
      while (end < path.length && path[end] !== '.' && path[end] !== '[') end++;
      const name = path.slice(i, end);
      if (name.includes(']')) fail('unexpected "]"');
      tokens.push(name === '**' ? { kind: 'deep' } : name === '*' ? { kind: 'any' } : { kind: 'key', name });
      i = end;
      expectSegment = false;
    }
  }
  if (tokens.length === 0) fail('empty path');
  if (expectSegment) fail('path ends with "."');
  return tokens;
}

function findStringEnd(text: string, quote: number): number {
  for (let i = quote + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return -1;
}

/** Positions reached in each path, as `pathIndex * STRIDE + tokenIndex`. */
export type PathStates = readonly number[];

const STRIDE = 4096;

/** Matches drop paths incrementally during a traversal. */
export class DropPathMatcher {
  private readonly paths: PathToken[][];

  public constructor(paths: PathToken[][]) {
    this.paths = paths.filter((tokens) => tokens.length < STRIDE);
  }

  /** Whether there is anything to match (callers skip all bookkeeping otherwise). */
  public get empty(): boolean {
    return this.paths.length === 0;
  }

  /** States at the root of the traversed value. */
  public initial(): PathStates {
    return this.closure(this.paths.map((_, i) => i * STRIDE));
  }

  /**
   * Steps into a child. `drop` is true when some path ends exactly at this child.
   */
  public step(states: PathStates, segment: string | number): { states: PathStates; drop: boolean } {
    if (states.length === 0) return { states, drop: false };
    const next: number[] = [];
    for (const state of states) {
      const tokens = this.paths[Math.floor(state / STRIDE)]!;
      const position = state % STRIDE;
      const token = tokens[position];
      if (token === undefined) continue;
      if (token.kind === 'deep') next.push(state);
      if (matches(token, segment)) next.push(state + 1);
    }
    const closed = this.closure(next);
    const drop = closed.some((state) => state % STRIDE === this.paths[Math.floor(state / STRIDE)]!.length);
    return { states: closed, drop };
  }

  private closure(states: number[]): PathStates {
    const seen = new Set<number>();
    const stack = [...states];
    while (stack.length > 0) {
      const state = stack.pop()!;
      if (seen.has(state)) continue;
      seen.add(state);
      const token = this.paths[Math.floor(state / STRIDE)]![state % STRIDE];
      if (token?.kind === 'deep') stack.push(state + 1);
    }
    return [...seen];
  }
}

function matches(token: PathToken, segment: string | number): boolean {
  switch (token.kind) {
    case 'any':
    case 'deep':
      return true;
    case 'key':
      return typeof segment === 'string' && segment === token.name;
    case 'index':
      return segment === token.index;
  }
}
