import type { StoreEngine } from './types.js'

export type SqlValue = string | number | null

/**
 * A statement with its parameters kept apart from its text: `sql\`… where number = ${n}\``. A nested Sql is spliced
 * in with its own parameters. Written once, it compiles to `?` placeholders for SQLite and `$1…` for PostgreSQL: the
 * one place the two dialects differ in the queries this store runs.
 */
export class Sql {
  constructor (readonly parts: readonly string[], readonly values: ReadonlyArray<SqlValue | Sql>) {}
}

export function sql (strings: TemplateStringsArray, ...values: ReadonlyArray<SqlValue | Sql>): Sql {
  return new Sql([...strings], values)
}

/** Trusted text (identifiers, keywords chosen by code), never input. */
export function raw (text: string): Sql {
  return new Sql([text], [])
}

export function join (fragments: readonly Sql[], separator: string): Sql {
  if (fragments.length === 0) return raw('')
  const parts: string[] = ['']
  const values: Sql[] = []
  fragments.forEach((f, i) => {
    values.push(f)
    parts.push(i === fragments.length - 1 ? '' : separator)
  })
  return new Sql(parts, values)
}

export interface Compiled {
  readonly text: string
  readonly params: SqlValue[]
}

export function compile (q: Sql, engine: StoreEngine): Compiled {
  const params: SqlValue[] = []
  const walk = (s: Sql): string => {
    let text = s.parts[0] ?? ''
    for (let i = 0; i < s.values.length; i++) {
      const v = s.values[i]!
      if (v instanceof Sql) text += walk(v)
      else {
        // PostgreSQL's text cannot hold NUL (a message body may carry %00): it becomes U+FFFD there rather than fail
        // the whole statement.
        params.push(engine === 'postgres' && typeof v === 'string' && v.includes('\u0000') ? v.replaceAll('\u0000', '\uFFFD') : v)
        text += engine === 'postgres' ? `$${params.length}` : '?'
      }
      text += s.parts[i + 1] ?? ''
    }
    return text
  }
  return { text: walk(q), params }
}
