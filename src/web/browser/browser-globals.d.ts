/** The UMD build of @simplewebauthn/browser, served before passkey.js in the same asset (src/web/assets.ts). */
declare const SimpleWebAuthnBrowser: typeof import('@simplewebauthn/browser');
