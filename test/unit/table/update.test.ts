import {
  conditionExpression,
  conditionHolds,
  UpdateBuilder,
  updateInput,
} from '../../../shared/domain/table/update';

describe('update and condition expressions', () => {
  it('renders SET, if_not_exists and REMOVE clauses with one placeholder per attribute, skipping undefined', () => {
    const update = new UpdateBuilder()
      .set('status', 'success')
      .setIfAbsent('model', 'gpt-4o')
      .set('skipped', undefined)
      .remove('openPk');
    expect(update.expression()).toBe(
      'SET #status = :status, #model = if_not_exists(#model, :model) REMOVE #openPk',
    );
    expect(update.names).toEqual({ '#status': 'status', '#model': 'model', '#openPk': 'openPk' });
    expect(update.values).toEqual({ ':status': 'success', ':model': 'gpt-4o' });
    expect(new UpdateBuilder().remove('openPk').expression()).toBe('REMOVE #openPk');
  });

  it('applies to an item as DynamoDB does: if_not_exists sees the item before the update', () => {
    const update = new UpdateBuilder()
      .set('status', 'success')
      .setIfAbsent('model', 'gpt-4o')
      .remove('openPk');
    const before = { model: 'gpt-4o-mini', openPk: 'OPEN#p#1', status: 'in_progress' };
    expect(update.applyTo(before)).toEqual({ model: 'gpt-4o-mini', status: 'success' });
    expect(before.openPk).toBe('OPEN#p#1');
    expect(update.attributes()).toEqual({ status: 'success', model: 'gpt-4o' });
  });

  it('clones without sharing clauses', () => {
    const base = new UpdateBuilder().set('a', 1);
    const extended = base.clone().set('b', 2);
    expect(base.expression()).toBe('SET #a = :a');
    expect(extended.expression()).toBe('SET #a = :a, #b = :b');
  });

  it('renders conditions with placeholders that never collide with the update, and checks them in memory', () => {
    const condition = { absent: ['completedAt'], equals: { status: 'in_progress' } };
    expect(conditionExpression(condition)).toEqual({
      expression: 'attribute_not_exists(#if_completedAt) AND #if_status = :if_status',
      names: { '#if_completedAt': 'completedAt', '#if_status': 'status' },
      values: { ':if_status': 'in_progress' },
    });
    expect(conditionHolds(condition, { status: 'in_progress' })).toBe(true);
    expect(conditionHolds(condition, { status: 'in_progress', completedAt: 'x' })).toBe(false);
    expect(conditionHolds(condition, undefined)).toBe(false);
    expect(conditionHolds({ absent: ['completedAt'] }, undefined)).toBe(true);
    const input = updateInput({ update: new UpdateBuilder().set('status', 'abandoned'), condition });
    expect(input).toEqual({
      UpdateExpression: 'SET #status = :status',
      ConditionExpression: 'attribute_not_exists(#if_completedAt) AND #if_status = :if_status',
      ExpressionAttributeNames: {
        '#status': 'status',
        '#if_completedAt': 'completedAt',
        '#if_status': 'status',
      },
      ExpressionAttributeValues: { ':status': 'abandoned', ':if_status': 'in_progress' },
    });
    expect(updateInput({ update: new UpdateBuilder().remove('openPk') })).not.toHaveProperty(
      'ExpressionAttributeValues',
    );
  });
});

describe('numeric adds and existence conditions', () => {
  it('renders ADD after SET and REMOVE, and adds to an absent attribute as to 0', () => {
    const update = new UpdateBuilder().set('status', 'ended').remove('workPk').add('costNanos', 5);
    expect(update.expression()).toBe('SET #status = :status REMOVE #workPk ADD #costNanos :costNanos');
    expect(update.applyTo({ workPk: 'x', costNanos: 10 })).toEqual({ status: 'ended', costNanos: 15 });
    expect(new UpdateBuilder().add('n', 2).applyTo({})).toEqual({ n: 2 });
  });

  it('checks that attributes exist', () => {
    const condition = { exists: ['pk'], absent: ['notifiedAt'] };
    expect(conditionExpression(condition).expression).toBe(
      'attribute_exists(#if_pk) AND attribute_not_exists(#if_notifiedAt)',
    );
    expect(conditionHolds(condition, { pk: 'ANOMALY#acme' })).toBe(true);
    expect(conditionHolds(condition, undefined)).toBe(false);
    expect(conditionHolds(condition, { pk: 'ANOMALY#acme', notifiedAt: 'x' })).toBe(false);
  });
});
