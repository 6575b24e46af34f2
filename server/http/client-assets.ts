import fs from 'node:fs';
import path from 'node:path';
import express, { type Router } from 'express';
import expressStaticGzip from 'express-static-gzip';
import { AppError, notFound } from '../errors.ts';

/** Build output under assets/ is named by its content hash, so a browser may keep it for a year and never ask again. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** The app shell and anything else unhashed: revalidated on every load, so a deploy is seen at once. */
export const REVALIDATE = 'no-cache';

/** Every GET outside the API and Socket.IO is a page of the client, which routes by URL. */
const PAGES = /^\/(?!api\/|socket\.io\/).*/;

/**
 * Serves the built client in `clientDir`: its files, and index.html for every page URL. Compressed copies are
 * written at build time (vite.config.ts), so express-static-gzip picks the .br or .gz one by Accept-Encoding (sending
 * Content-Encoding and Vary) at no cost per request, at the build's highest levels; a client that accepts neither gets
 * the file as is. Without a build, pages answer 503 through the error handler, so they keep their security headers.
 */
export function clientRoutes(clientDir: string): Router {
  const router = express.Router();
  if (!fs.existsSync(clientDir)) {
    router.get(PAGES, (_req, _res, next) =>
      next(new AppError(503, 'client_not_built', 'The web client is not built: run `npm run build` (`npm start` does).')),
    );
    return router;
  }
  const hashed = path.join(clientDir, 'assets') + path.sep;
  router.use(
    expressStaticGzip(clientDir, {
      enableBrotli: true,
      orderPreference: ['br', 'gzip'],
      index: false,
      serveStatic: {
        index: false,
        cacheControl: false,
        setHeaders: (res, file) => res.setHeader('Cache-Control', file.startsWith(hashed) ? IMMUTABLE : REVALIDATE),
      },
    }),
  );
  // A chunk name from an older build is gone, not a page: the app shell in its place would fail as a script.
  router.use('/assets', (req, _res, next) => next(notFound(`Asset ${req.path}`)));
  router.get(PAGES, (_req, res) => res.sendFile('index.html', { root: clientDir, cacheControl: false, headers: { 'Cache-Control': REVALIDATE } }));
  return router;
}
