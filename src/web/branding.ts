import { readFileSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import type { Config } from '../config/schema.js';
import { SsprError } from '../errors/sspr-error.js';
import { displayOrganisation } from '../integrity/integrity-parts.js';

/** Largest logo and custom stylesheet accepted (both are read into memory once at start-up). */
export const MAX_BRANDING_FILE_BYTES = 256 * 1024;

/** What pages show of the branding: the name, whether there is a logo or a stylesheet, the help desk. */
export interface BrandingView {
  organisation: string;
  /** Same-origin URL of the logo, or null. */
  logoUrl: string | null;
  /** Same-origin stylesheets after app.css (theme colour, operator CSS), each with a version for caching. */
  stylesheets: string[];
  helpdesk: { phone: string | null; url: string | null };
}

export interface Branding {
  view: BrandingView;
  logo: { body: Buffer; type: string } | null;
  themeCss: string;
  customCss: string | null;
}

const bad = (key: string, problem: string) => new SsprError('config-invalid', { detail: `branding.${key}: ${problem}` });

function readLimited(file: string, key: string): Buffer {
  let size: number;
  try {
    size = statSync(file).size;
  } catch (error) {
    throw bad(key, `${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (size > MAX_BRANDING_FILE_BYTES) throw bad(key, `${file} is ${size} bytes; at most ${MAX_BRANDING_FILE_BYTES} are allowed`);
  return readFileSync(file);
}

/** The image type by its first bytes (never by the file name): PNG, JPEG, WebP or SVG. */
export function imageTypeOf(body: Buffer): string | null {
  if (body.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (body[0] === 0xff && body[1] === 0xd8 && body[2] === 0xff) return 'image/jpeg';
  if (body.subarray(0, 4).toString('latin1') === 'RIFF' && body.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp';
  const head = body.subarray(0, 1024).toString('utf8').replace(/^\uFEFF/, '').trimStart();
  if (/^(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*(<!DOCTYPE svg[^>]*>\s*)?<svg[\s>]/i.test(head)) return 'image/svg+xml';
  return null;
}

/** WCAG 2.2 contrast ratio of a `#rrggbb` colour against white. */
export function contrastWithWhite(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
  return 1.05 / (luminance + 0.05);
}

const version = (body: string | Buffer) => createHash('sha256').update(body).digest('base64url').slice(0, 12);

/**
 * The operator's branding, read and checked once at start-up: a logo of a known image type and size, the primary
 * colour as a custom property in a same-origin stylesheet (the CSP allows no inline style), an optional operator
 * stylesheet, the name and the help desk. A bad file is `config-invalid` naming the key.
 */
export function loadBranding(config: Pick<Config, 'branding' | 'organisation'>): Branding {
  const { branding } = config;
  let logo: Branding['logo'] = null;
  if (branding.logoFile) {
    const body = readLimited(branding.logoFile, 'logoFile');
    const type = imageTypeOf(body);
    if (!type) throw bad('logoFile', `${branding.logoFile} is not a PNG, JPEG, WebP or SVG image`);
    logo = { body, type };
  }
  const customCss = branding.cssFile ? readLimited(branding.cssFile, 'cssFile').toString('utf8') : null;
  const themeCss = [
    branding.primaryColour ? `:root { --accent: ${branding.primaryColour.toLowerCase()}; }` : '',
    '.brand img { max-height: 2.5rem; max-width: 12rem; vertical-align: middle; margin-right: .5rem; }',
    'footer.helpdesk { border-top: 1px solid #8884; padding-top: 1rem; }',
    'footer.helpdesk a { color: inherit; }',
  ].join('\n') + '\n';
  const stylesheets = [`/branding/theme.css?v=${version(themeCss)}`, ...(customCss !== null ? [`/branding/custom.css?v=${version(customCss)}`] : [])];
  return {
    view: {
      organisation: displayOrganisation(config),
      logoUrl: logo ? `/branding/logo?v=${version(logo.body)}` : null,
      stylesheets,
      helpdesk: { phone: branding.helpdesk.phone ?? null, url: branding.helpdesk.url ?? null },
    },
    logo,
    themeCss,
    customCss,
  };
}
