/**
 * The `orders-relay` gateway (seed 002), declared ahead of its adapter so that its config shape —
 * fixed by issue 13 — is already checked everywhere a config is read:
 *
 *   { "kind": "orders-relay", "id": "relay", "mode": "demo", "url": "wss://host/ws/orders",
 *     "urls": { "positions": "wss://host/ws/positions", "rest": "https://host/api" },
 *     "secrets": { "token": { … } } }
 *
 * The JWT is bound to the origins of all three endpoints. The adapter adds `build` and flips
 * `available`; nothing outside this folder changes.
 */
import type { ConnectionKindSpec } from '../kind';

export const ordersRelayKind: ConnectionKindSpec = {
  kind: 'orders-relay',
  title: 'Orders relay gateway',
  available: false,
  unavailableReason: 'The Orders relay adapter is not available yet in this build.',
  builtIn: false,
  // A gateway may report real money: never shown as paper by accident.
  modes: ['paper', 'demo', 'live'],
  defaultMode: 'live',
  endpoints: [
    {
      name: 'url',
      label: 'Orders socket',
      required: true,
      schemes: ['ws:', 'wss:'],
      placeholder: 'wss://host/ws/orders',
    },
    {
      name: 'positions',
      label: 'Positions socket',
      required: true,
      schemes: ['ws:', 'wss:'],
      placeholder: 'wss://host/ws/positions',
    },
    {
      name: 'rest',
      label: 'REST base',
      required: true,
      schemes: ['http:', 'https:'],
      placeholder: 'https://host/api',
      help: 'Orders are cancelled through DELETE {rest}/orders/<id>.',
    },
  ],
  secrets: [
    {
      name: 'token',
      label: 'Token (JWT)',
      required: true,
      help: 'Sent to the three endpoints above only. Kept in the credential vault only.',
    },
  ],
  options: [],
};
