// The page's Content-Security-Policy allows no eval. zod builds compiled parsers with
// `new Function` and probes for it when the first object schema is built (caught, but reported
// as a CSP violation on every page load); the plain parsers suffice for the client's messages.
// main.ts imports this module before any other, so it runs before the protocol's schemas exist.
import { z } from 'zod';

z.config({ jitless: true });
