import type { Browser, BrowserContext, BrowserContextOptions } from 'playwright-core';

export const CHROMIUM: string;
export const CHROMIUM_ARGS: string[];
export const MOBILE: BrowserContextOptions;
export function ensureChromium(): string;
export function ensureH5Build(root: string): void;
export function launchChromium(): Promise<{ context: BrowserContext; close(): Promise<void> }>;
export function launchBrowser(): Promise<Browser>;
export function h5Origin(
  root: string,
  gatewayUrl: string,
): Promise<{ url: string; servedBy: 'gateway' | 'serve-h5.mjs'; stop(): Promise<void> }>;
