import type { IncomingMessage } from 'node:http';
import express from 'express';
import { clientAddress, type TrustProxyFn } from '../../src/server/client-address';

const trust = (setting: boolean | number | string): TrustProxyFn => express().set('trust proxy', setting).get('trust proxy fn');
const request = (remoteAddress: string, forwardedFor?: string) =>
  ({ socket: { remoteAddress }, headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {} }) as unknown as IncomingMessage;

describe('the client address of a websocket upgrade', () => {
  it('is the socket address when no proxy is trusted, whatever X-Forwarded-For claims', () => {
    expect(clientAddress(request('10.1.2.3', '203.0.113.5'), trust(false))).toBe('10.1.2.3');
  });

  it('walks X-Forwarded-For through trusted hops only, as express req.ip does', () => {
    expect(clientAddress(request('127.0.0.1', '203.0.113.5'), trust('loopback'))).toBe('203.0.113.5');
    // The client itself claimed 198.51.100.7 before the proxy appended its real address.
    expect(clientAddress(request('127.0.0.1', '198.51.100.7, 203.0.113.5'), trust(1))).toBe('203.0.113.5');
    expect(clientAddress(request('10.1.2.3', '203.0.113.5'), trust('loopback'))).toBe('10.1.2.3');
    expect(clientAddress(request('127.0.0.1', '198.51.100.7, 203.0.113.5'), trust(true))).toBe('198.51.100.7');
  });
});
