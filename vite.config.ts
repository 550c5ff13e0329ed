// Build of the tablet PWA. The service worker precaches the app shell and every
// locale chunk, never touches /api (no record content in Cache Storage), and
// only activates a new version when the user taps "update" (registerType: prompt).
// Every text asset also gets a .br and a .gz beside it, which the backend serves as is.
import { constants as zlib } from 'node:zlib';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';
import { LAYER_ALIASES } from './layer-aliases';
import { compression, defineAlgorithm } from 'vite-plugin-compression2';

const backend = process.env.LOTSE_BACKEND ?? 'http://localhost:8080';

export default defineConfig({
  resolve: { alias: LAYER_ALIASES },
  plugins: [
    react(),
    VitePWA({
      registerType: 'prompt',
      injectRegister: false,
      devOptions: { enabled: false },
      includeAssets: ['icon.svg'],
      manifest: {
        name: 'Lotse',
        short_name: 'Lotse',
        description: 'Lotse – Dokumentation für Präventionsketten, offline-fähig',
        lang: 'de',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        orientation: 'any',
        background_color: '#ffffff',
        theme_color: '#0b5d5b',
        icons: [
          { src: 'icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: 'icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,svg,png,woff2,json,webmanifest}'],
        // The password strength estimator (its dictionaries, ~1.3 MB) serves only the office area, which is
        // online anyway: fetched when someone types a new password, never downloaded with the tablet's app.
        globIgnores: ['**/password-strength-*.js'],
        navigateFallback: 'index.html',
        navigateFallbackDenylist: [/^\/api\//],
        // No runtime caching: API responses (case data) must never reach Cache Storage.
        runtimeCaching: [],
        cleanupOutdatedCaches: true,
        clientsClaim: false,
        skipWaiting: false,
      },
    }),
    // Compressed once at build time at the highest levels (the backend then spends no CPU per
    // request); the service worker's precache globs do not match .br/.gz, so it stores the plain files.
    compression({
      include: /\.(html|css|js|mjs|json|svg|webmanifest)$/,
      threshold: 1024,
      algorithms: [
        defineAlgorithm('brotliCompress', { params: { [zlib.BROTLI_PARAM_QUALITY]: zlib.BROTLI_MAX_QUALITY } }),
        defineAlgorithm('gzip', { level: 9 }),
      ],
      logLevel: 'silent',
    }),
  ],
  server: {
    proxy: { '/api': backend },
  },
  build: {
    target: 'es2022',
    sourcemap: false,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            // Everything the first screen runs besides React and i18next, in one file instead of
            // fourteen: over HTTP/1.1 a browser fetches six files at a time, so each further six
            // cost a round trip before the app can start (three on a 150 ms mobile link). The
            // modules named here are all loaded at start anyway (figure 5 checks the initial
            // bytes); lazily loaded screens that share them find them already in memory.
            //   the sync protocol's schemas (zod), which the first screen and most screens share;
            //   the local database (Dexie, the stores) and the vault with its crypto primitives;
            //   the domain rules and small helpers the stores import.
            {
              name: 'core',
              test: new RegExp(
                [
                  String.raw`[\\/]src[\\/]shared[\\/](protocol|offers|referral-api|staff-api|questionnaire-api|four-eyes|records[\\/]case-number-format)\.ts$`,
                  String.raw`[\\/]src[\\/]shared[\\/]crypto[\\/](bytes|key-derivation|aes-gcm|types)\.ts$`,
                  String.raw`[\\/]src[\\/]client[\\/]storage[\\/][^\/]+\.ts$`,
                  String.raw`[\\/]src[\\/]domain[\\/](four-eyes|corrections|consent|referral-sources|questionnaire|retention)\.ts$`,
                  String.raw`[\\/]src[\\/]client[\\/](http[\\/]request|sync[\\/]backend-api)\.ts$`,
                  String.raw`[\\/]node_modules[\\/]dexie[\\/]`,
                ].join('|'),
              ),
            },
          ],
        },
      },
    },
  },
});
