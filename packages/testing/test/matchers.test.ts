import { describe, expect, it } from 'vitest';
import { createDecisionRecorder, createTestPermissio } from '../src/index.js';
import '../src/vitest.js';

describe('vitest matchers', () => {
  it('toHaveAllowed / toHaveDenied / toHaveChecked on a recorder or a TestPermissio, and .not', async () => {
    const testing = createTestPermissio({ allow: [{ user: 'alice', action: 'read', resource: 'document' }] });
    await testing.client.check('alice', 'read', 'document');
    await testing.client.check('bob', 'read', 'document');
    expect(testing.recorder).toHaveAllowed({ user: 'alice', action: 'read' });
    expect(testing).toHaveDenied({ user: 'bob', action: 'read', resource: 'document', tenant: 'default' });
    expect(testing).toHaveChecked({ user: 'bob' });
    expect(testing).toHaveChecked();
    expect(testing).not.toHaveDenied({ user: 'alice' });
    expect(testing).not.toHaveChecked({ action: 'write' });
    await testing.close();
  });

  it('fails with the recorded decisions in the message, negated or not', async () => {
    const testing = createTestPermissio({ allow: [['alice', 'read', 'document']] });
    await testing.client.check('alice', 'read', 'document');
    expect(() => expect(testing).toHaveDenied({ user: 'alice' })).toThrow(
      /Expected a denied decision matching \{user: "alice"\}, but none was recorded \(1 matching decision was allowed\)\.\nRecorded decisions \(1\):\n {2}1\. allowed alice read document/,
    );
    expect(() => expect(testing).not.toHaveAllowed({ user: 'alice' })).toThrow(
      /Expected no allowed decision matching \{user: "alice"\}, but one was recorded\./,
    );
    expect(() => expect(createDecisionRecorder()).toHaveChecked()).toThrow(/No decisions were recorded/);
    expect(() => expect({}).toHaveChecked()).toThrow(/must be a DecisionRecorder or the result of createTestPermissio/);
    await testing.close();
  });
});
