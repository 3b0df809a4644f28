// `node --import <this file> child.ts`: runs Engram's TypeScript sources without a build (see hooks.mjs).
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
