/**
 * A small JSON Schema (draft-07 subset) checker for the deployment tests: $ref into `definitions`, type,
 * enum, const, minimum, maximum, multipleOf, pattern, properties, required, additionalProperties, items,
 * anyOf and if/then/else. Strict: an object key its schema's `properties` does not name is an error (the
 * fc3 schema does not say additionalProperties: false, but fc3 ignores or rejects what it does not know).
 */
export type Schema = Record<string, unknown>

export function schemaErrors(value: unknown, schema: Schema, root: Schema = schema, path = '$'): string[] {
  if (typeof schema.$ref === 'string') return schemaErrors(value, resolve(root, schema.$ref), root, path)
  const errors: string[] = []
  const fail = (what: string) => errors.push(`${path}: ${what} (got ${JSON.stringify(value)})`)
  if (schema.anyOf) {
    const branches = (schema.anyOf as Schema[]).map((branch) => schemaErrors(value, branch, root, path))
    if (branches.every((e) => e.length > 0)) fail(`matches none of anyOf: ${branches.map((e) => e.join('; ')).join(' | ')}`)
  }
  if (schema.if) {
    const chosen = schemaErrors(value, schema.if as Schema, root, path).length === 0 ? schema.then : schema.else
    if (chosen) errors.push(...schemaErrors(value, chosen as Schema, root, path))
  }
  if (schema.type && !hasType(value, schema.type as string)) return [...errors, `${path}: not of type ${String(schema.type)} (got ${JSON.stringify(value)})`]
  if (schema.enum && !(schema.enum as unknown[]).includes(value)) fail(`not one of ${JSON.stringify(schema.enum)}`)
  if ('const' in schema && value !== schema.const) fail(`not ${JSON.stringify(schema.const)}`)
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) fail(`below the minimum ${schema.minimum}`)
    if (typeof schema.maximum === 'number' && value > schema.maximum) fail(`above the maximum ${schema.maximum}`)
    if (typeof schema.multipleOf === 'number' && Math.abs(value / schema.multipleOf - Math.round(value / schema.multipleOf)) > 1e-9)
      fail(`not a multiple of ${schema.multipleOf}`)
  }
  if (typeof value === 'string' && typeof schema.pattern === 'string' && !new RegExp(schema.pattern).test(value)) fail(`does not match ${schema.pattern}`)
  if (Array.isArray(value) && schema.items)
    for (const [i, item] of value.entries()) errors.push(...schemaErrors(item, schema.items as Schema, root, `${path}[${i}]`))
  if (isObject(value)) errors.push(...objectErrors(value, schema, root, path))
  return errors
}

function objectErrors(value: Record<string, unknown>, schema: Schema, root: Schema, path: string): string[] {
  const errors: string[] = []
  const properties = schema.properties as Record<string, Schema> | undefined
  for (const name of (schema.required as string[] | undefined) ?? []) if (!(name in value)) errors.push(`${path}: lacks the required ${name}`)
  for (const [name, item] of Object.entries(value)) {
    const known = properties?.[name] ?? (isObject(schema.additionalProperties) ? (schema.additionalProperties as Schema) : undefined)
    if (known) errors.push(...schemaErrors(item, known, root, `${path}.${name}`))
    else if (properties) errors.push(`${path}: ${name} is not a field of the schema`)
  }
  return errors
}

function resolve(root: Schema, ref: string): Schema {
  const found = ref
    .replace(/^#\//, '')
    .split('/')
    .reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], root)
  if (!isObject(found)) throw new Error(`unresolved $ref ${ref}`)
  return found
}

function hasType(value: unknown, type: string): boolean {
  if (type === 'integer') return Number.isInteger(value)
  if (type === 'number') return typeof value === 'number'
  if (type === 'array') return Array.isArray(value)
  if (type === 'object') return isObject(value)
  return typeof value === type
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
