/** The subset of LogQL the Loki fake understands: a stream selector followed by line filters. */
export interface LabelMatcher {
  name: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

export interface LineFilter {
  op: '|=' | '!=' | '|~' | '!~';
  value: string;
}

/**
 * A label filter expression after the selector, `| level=~"error" or detected_level="error"`: a disjunction of
 * conjunctions of string matchers. It sees the stream labels and the line's structured metadata alike.
 */
export type LabelFilter = LabelMatcher[][];

export interface ParsedLogQuery {
  matchers: LabelMatcher[];
  filters: LineFilter[];
  /** Label filter stages, each to be satisfied (stages are ANDed). */
  labelFilters: LabelFilter[];
}

export class LogQLParseError extends Error {}

function fail(col: number, message: string): never {
  throw new LogQLParseError(`parse error at line 1, col ${col}: ${message}`);
}

/**
 * Parses `{label="v", other=~"re"} |= "text" != `raw` |~ "re" | level=~"error" or detected_level="error"`.
 * Double-quoted strings use Go escapes (`\"`, `\\`, `\n`, `\t`), back-quoted strings have none. Line filters and
 * string label filters (`and`/`or`) are read in order; any other stage (`| json`, `| logfmt`, …) ends the parse
 * and the rest is ignored. Metric queries are rejected.
 */
export function parseLogQuery(query: string): ParsedLogQuery {
  let i = 0;
  const skip = (): void => {
    while (i < query.length && /\s/.test(query[i] ?? '')) i += 1;
  };
  const readString = (): string => {
    const quote = query[i];
    const col = i + 1;
    if (quote === '`') {
      const end = query.indexOf('`', i + 1);
      if (end < 0) fail(col, 'syntax error: unexpected end of input, expecting STRING');
      const value = query.slice(i + 1, end);
      i = end + 1;
      return value;
    }
    if (quote !== '"') fail(col, `syntax error: unexpected ${query[i] ?? 'end of input'}, expecting STRING`);
    let value = '';
    i += 1;
    while (i < query.length && query[i] !== '"') {
      if (query[i] === '\\') {
        const next = query[i + 1];
        const escapes: Record<string, string> = { '"': '"', '\\': '\\', n: '\n', t: '\t', r: '\r' };
        if (next === undefined || escapes[next] === undefined) fail(i + 1, `invalid char escape`);
        value += escapes[next];
        i += 2;
      } else {
        value += query[i];
        i += 1;
      }
    }
    if (i >= query.length) fail(col, 'syntax error: unexpected end of input, expecting STRING');
    i += 1;
    return value;
  };

  skip();
  if (query[i] !== '{') {
    if (/^[a-z_]+\s*\(/.test(query.slice(i))) fail(i + 1, 'metric queries are not supported by the fake');
    fail(i + 1, `syntax error: unexpected ${query[i] === undefined ? 'end of input' : query.slice(i, i + 8)}, expecting {`);
  }
  i += 1;
  const matchers: LabelMatcher[] = [];
  for (;;) {
    skip();
    if (query[i] === '}') {
      i += 1;
      break;
    }
    const name = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(query.slice(i))?.[0];
    if (name === undefined) fail(i + 1, `syntax error: unexpected ${query[i] ?? 'end of input'}, expecting IDENTIFIER`);
    i += name.length;
    skip();
    const op = /^(=~|!~|!=|=)/.exec(query.slice(i))?.[0] as LabelMatcher['op'] | undefined;
    if (op === undefined) fail(i + 1, `syntax error: unexpected ${query[i] ?? 'end of input'}, expecting = or != or =~ or !~`);
    i += op.length;
    skip();
    matchers.push({ name, op, value: readString() });
    skip();
    if (query[i] === ',') i += 1;
    else if (query[i] !== '}') fail(i + 1, `syntax error: unexpected ${query[i] ?? 'end of input'}, expecting } or ,`);
  }
  if (matchers.length === 0) fail(i, 'syntax error: unexpected }, expecting IDENTIFIER');
  const nonEmpty = matchers.some((m) => {
    if (m.op === '=') return m.value !== '';
    if (m.op === '=~') return !new RegExp(`^(?:${m.value})$`).test('');
    return false;
  });
  if (!nonEmpty) {
    throw new LogQLParseError(
      'parse error : queries require at least one regexp or equality matcher that does not have an empty-compatible value. For instance, app=~".*" does not meet this requirement, but app=~".+" will',
    );
  }

  const readMatcher = (): LabelMatcher | undefined => {
    const m = /^([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*(?=["`])/.exec(query.slice(i));
    if (m === null) return undefined;
    i += m[0].length;
    const op = m[2] as LabelMatcher['op'];
    const value = readString();
    if (op === '=~' || op === '!~') {
      try {
        new RegExp(value);
      } catch {
        fail(i, `invalid regular expression ${JSON.stringify(value)}`);
      }
    }
    return { name: m[1]!, op, value };
  };
  /** `a="x" and b=~"y" or c!="z"`: `and` binds tighter than `or`, as in LogQL. */
  const readLabelFilter = (): LabelFilter | undefined => {
    const first = readMatcher();
    if (first === undefined) return undefined;
    const any: LabelFilter = [[first]];
    for (;;) {
      skip();
      const joint = /^(and|or)\s+/i.exec(query.slice(i));
      if (joint === null) return any;
      i += joint[0].length;
      const next = readMatcher();
      if (next === undefined) fail(i + 1, `syntax error: unexpected ${query.slice(i, i + 8) || 'end of input'}, expecting IDENTIFIER`);
      if (joint[1]!.toLowerCase() === 'and') any[any.length - 1]!.push(next);
      else any.push([next]);
    }
  };

  const filters: LineFilter[] = [];
  const labelFilters: LabelFilter[] = [];
  for (;;) {
    skip();
    if (i >= query.length) break;
    const op = /^(\|=|!=|\|~|!~)/.exec(query.slice(i))?.[0] as LineFilter['op'] | undefined;
    if (op === undefined) {
      if (query[i] !== '|') fail(i + 1, `syntax error: unexpected ${query.slice(i, i + 8)}`);
      i += 1;
      skip();
      const labelFilter = readLabelFilter();
      if (labelFilter === undefined) break; // a parser or formatting stage: the rest is ignored
      labelFilters.push(labelFilter);
      continue;
    }
    i += op.length;
    skip();
    const value = readString();
    if (op === '|~' || op === '!~') {
      try {
        new RegExp(value);
      } catch {
        fail(i, `invalid regular expression ${JSON.stringify(value)}`);
      }
    }
    filters.push({ op, value });
  }
  return { matchers, filters, labelFilters };
}

/** A label filter over the stream labels and structured metadata together; a missing label is the empty string. */
export function matchesLabelFilters(labels: Record<string, string>, labelFilters: LabelFilter[]): boolean {
  return labelFilters.every((any) => any.some((all) => matchesLabels(labels, all)));
}

export function matchesLabels(labels: Record<string, string>, matchers: LabelMatcher[]): boolean {
  return matchers.every((m) => {
    const value = labels[m.name] ?? '';
    switch (m.op) {
      case '=':
        return value === m.value;
      case '!=':
        return value !== m.value;
      case '=~':
        return new RegExp(`^(?:${m.value})$`).test(value);
      case '!~':
        return !new RegExp(`^(?:${m.value})$`).test(value);
    }
  });
}

export function matchesLine(line: string, filters: LineFilter[]): boolean {
  return filters.every((f) => {
    switch (f.op) {
      case '|=':
        return line.includes(f.value);
      case '!=':
        return !line.includes(f.value);
      case '|~':
        return new RegExp(f.value).test(line);
      case '!~':
        return !new RegExp(f.value).test(line);
    }
  });
}
