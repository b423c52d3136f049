/**
 * Update and condition expressions of the table, built as data: the same update renders to a
 * DynamoDB `UpdateExpression` for the stores and applies to a plain object for unit tests and the
 * cost model, so a rule written once is both what runs and what is tested. Plain domain code.
 */

type Clause =
  | { kind: 'set'; attribute: string; value: unknown }
  | { kind: 'setIfAbsent'; attribute: string; value: unknown }
  | { kind: 'remove'; attribute: string }
  | { kind: 'add'; attribute: string; value: number };

/** Names and values of an expression, as DynamoDB's `ExpressionAttributeNames`/`Values` take them. */
export interface ExpressionParts {
  expression: string;
  names: Record<string, string>;
  values: Record<string, unknown>;
}

/**
 * Collects the `SET`/`REMOVE` clauses of one UpdateItem; undefined values are skipped.
 *
 * @example
 * const update = new UpdateBuilder().set('status', 'success').setIfAbsent('model', 'gpt-4o').remove('openPk');
 * update.expression(); // 'SET #status = :status, #model = if_not_exists(#model, :model) REMOVE #openPk'
 */
export class UpdateBuilder {
  private readonly clauses: Clause[] = [];

  /** Sets `attribute` to `value` (nothing when `value` is undefined). */
  public set(attribute: string, value: unknown): this {
    if (value !== undefined) this.clauses.push({ kind: 'set', attribute, value });
    return this;
  }

  /** Sets `attribute` only when the item has none (`if_not_exists`); nothing when `value` is undefined. */
  public setIfAbsent(attribute: string, value: unknown): this {
    if (value !== undefined) this.clauses.push({ kind: 'setIfAbsent', attribute, value });
    return this;
  }

  /** Removes `attribute` (removing an absent attribute writes nothing). */
  public remove(attribute: string): this {
    this.clauses.push({ kind: 'remove', attribute });
    return this;
  }

  /** Adds `delta` to a number attribute (absent counts as 0): concurrent adds never lose one. */
  public add(attribute: string, delta: number): this {
    this.clauses.push({ kind: 'add', attribute, value: delta });
    return this;
  }

  /** The `UpdateExpression`: `#name` for every attribute, `:name` for every value. */
  public expression(): string {
    const sets = this.clauses.flatMap((clause) =>
      clause.kind === 'set'
        ? [`#${clause.attribute} = :${clause.attribute}`]
        : clause.kind === 'setIfAbsent'
          ? [`#${clause.attribute} = if_not_exists(#${clause.attribute}, :${clause.attribute})`]
          : [],
    );
    const removals = this.clauses.flatMap((clause) =>
      clause.kind === 'remove' ? [`#${clause.attribute}`] : [],
    );
    const adds = this.clauses.flatMap((clause) =>
      clause.kind === 'add' ? [`#${clause.attribute} :${clause.attribute}`] : [],
    );
    return [
      sets.length > 0 ? `SET ${sets.join(', ')}` : '',
      removals.length > 0 ? `REMOVE ${removals.join(', ')}` : '',
      adds.length > 0 ? `ADD ${adds.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join(' ');
  }

  /** `ExpressionAttributeNames` of {@link expression}. */
  public get names(): Record<string, string> {
    return Object.fromEntries(this.clauses.map((clause) => [`#${clause.attribute}`, clause.attribute]));
  }

  /** `ExpressionAttributeValues` of {@link expression}. */
  public get values(): Record<string, unknown> {
    return Object.fromEntries(
      this.clauses.flatMap((clause) =>
        clause.kind === 'remove' ? [] : [[`:${clause.attribute}`, clause.value]],
      ),
    );
  }

  /** The attributes the `SET` clauses write, as on an item this update creates. */
  public attributes(): Record<string, unknown> {
    return this.applyTo({});
  }

  /**
   * The item after this update, as DynamoDB would leave it: every clause sees the item as it was
   * before the update (`if_not_exists` included). The input is not changed.
   */
  public applyTo(item: Readonly<Record<string, unknown>>): Record<string, unknown> {
    const next: Record<string, unknown> = { ...item };
    for (const clause of this.clauses) {
      if (clause.kind === 'remove') delete next[clause.attribute];
      else if (clause.kind === 'add')
        next[clause.attribute] = Number(item[clause.attribute] ?? 0) + clause.value;
      else if (clause.kind === 'set' || item[clause.attribute] === undefined)
        next[clause.attribute] = clause.value;
    }
    return next;
  }

  /** A copy to extend without changing this one. */
  public clone(): UpdateBuilder {
    const copy = new UpdateBuilder();
    copy.clauses.push(...this.clauses);
    return copy;
  }
}

/**
 * A write's precondition, as data: every attribute of `exists` present, every attribute of
 * `absent` missing and every attribute of `equals` holding exactly that value. Rendered for DynamoDB by {@link conditionExpression} and
 * checked in memory by {@link conditionHolds}.
 */
export interface Condition {
  exists?: readonly string[];
  absent?: readonly string[];
  equals?: Readonly<Record<string, unknown>>;
}

/**
 * The `ConditionExpression` of a condition; its placeholders (`#if_<name>`, `:if_<name>`) never
 * collide with an {@link UpdateBuilder}'s.
 *
 * @example
 * conditionExpression({ absent: ['completedAt'] }).expression; // 'attribute_not_exists(#if_completedAt)'
 */
export function conditionExpression(condition: Condition): ExpressionParts {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const terms: string[] = [];
  for (const attribute of condition.exists ?? []) {
    names[`#if_${attribute}`] = attribute;
    terms.push(`attribute_exists(#if_${attribute})`);
  }
  for (const attribute of condition.absent ?? []) {
    names[`#if_${attribute}`] = attribute;
    terms.push(`attribute_not_exists(#if_${attribute})`);
  }
  for (const [attribute, value] of Object.entries(condition.equals ?? {})) {
    names[`#if_${attribute}`] = attribute;
    values[`:if_${attribute}`] = value;
    terms.push(`#if_${attribute} = :if_${attribute}`);
  }
  return { expression: terms.join(' AND '), names, values };
}

/** True when `item` (undefined: no item) satisfies `condition`, as DynamoDB would decide it. */
export function conditionHolds(
  condition: Condition,
  item: Readonly<Record<string, unknown>> | undefined,
): boolean {
  return (
    (condition.exists ?? []).every((attribute) => item?.[attribute] !== undefined) &&
    (condition.absent ?? []).every((attribute) => item?.[attribute] === undefined) &&
    Object.entries(condition.equals ?? {}).every(([attribute, value]) => item?.[attribute] === value)
  );
}

/** One conditional write of a planned change; no condition means an unconditional write. */
export interface PlannedWrite {
  update: UpdateBuilder;
  condition?: Condition;
}

/**
 * A planned write as `UpdateCommand` input fields (without table and key).
 *
 * @example
 * new UpdateCommand({ TableName, Key, ...updateInput(write), ReturnValues: 'ALL_OLD' });
 */
export function updateInput(write: PlannedWrite): {
  UpdateExpression: string;
  ConditionExpression?: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
} {
  const condition = write.condition ? conditionExpression(write.condition) : undefined;
  const values = { ...write.update.values, ...condition?.values };
  return {
    UpdateExpression: write.update.expression(),
    ...(condition ? { ConditionExpression: condition.expression } : {}),
    ExpressionAttributeNames: { ...write.update.names, ...condition?.names },
    // DynamoDB rejects an empty map.
    ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
  };
}
