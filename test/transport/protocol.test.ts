import { describe, expect, it } from 'vitest';
import { methods } from '../../src/shared/contract.js';
import {
  ContractCallError,
  toContractCallError,
  toContractError,
} from '../../src/shared/transport/errors.js';
import { METHOD_NAME_PATTERN } from '../../src/shared/transport/protocol.js';
import { webSocketUrl } from '../../src/shared/transport/wsClient.js';

describe('protocol', () => {
  it('every contract method passes the preload’s method-name filter, and junk does not', () => {
    for (const name of Object.keys(methods)) expect(name).toMatch(METHOD_NAME_PATTERN);
    for (const bad of ['__proto__', 'a.b.c', 'app.info:x', '../x', 'app.', '', 'App.info'])
      expect(bad).not.toMatch(METHOD_NAME_PATTERN);
  });

  it('derives the socket URL from the page URL', () => {
    expect(webSocketUrl('http://127.0.0.1:8080/?token=abc#x')).toBe('ws://127.0.0.1:8080/ws');
    expect(webSocketUrl('https://host.example/app/')).toBe('wss://host.example/ws');
  });
});

describe('errors as data', () => {
  it('normalises what each transport rejects with into a ContractCallError', () => {
    // contextBridge delivers a plain object (custom Error fields are stripped there).
    const fromBridge = toContractCallError({
      name: 'ContractCallError',
      code: 'not_found',
      message: 'no run r1',
      details: { id: 'r1' },
    });
    expect(fromBridge).toBeInstanceOf(ContractCallError);
    expect(fromBridge).toMatchObject({ code: 'not_found', message: 'no run r1', details: { id: 'r1' } });
    expect(fromBridge.toJSON()).toEqual({ code: 'not_found', message: 'no run r1', details: { id: 'r1' } });
    const same = new ContractCallError({ code: 'cancelled', message: 'stop' });
    expect(toContractCallError(same)).toBe(same);
    expect(toContractError(new TypeError('boom'))).toEqual({ code: 'failed', message: 'boom' });
    expect(toContractError({ code: 'made_up', message: 'x' })).toEqual({ code: 'failed', message: 'x' });
    expect(toContractError(42)).toEqual({ code: 'failed', message: '42' });
    expect(JSON.parse(JSON.stringify(same))).toEqual({ code: 'cancelled', message: 'stop' });
  });
});
