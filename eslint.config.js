// Recommended sets only, and no type-aware rules: linting stays quick on a small machine; `tsc` and svelte-check do the type checks.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/', 'dist-*/', 'data/', '.bench/', 'node_modules/', 'server/db/migrations/'] },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs['flat/recommended'],
  prettier,
  ...svelte.configs['flat/prettier'],
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      // A leading underscore marks a parameter a signature needs (Express's four-argument error handler) or a field left out of a rest.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // `declare global { namespace Express { … } }` is how Passport and Express types are augmented.
      '@typescript-eslint/no-namespace': ['error', { allowDeclarations: true }],
      // An interface that extends one type is how a declaration merges into a library's (Passport's `Express.User`).
      '@typescript-eslint/no-empty-object-type': ['error', { allowInterfaces: 'with-single-extends' }],
      // Control characters are matched on purpose: NUL in untrusted corpus text, ANSI escapes in CLI output.
      'no-control-regex': 'off',
      // It reads the reason after `svelte-ignore code --` as more codes; svelte-check reports unknown codes.
      'svelte/no-unused-svelte-ignore': 'off',
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] } },
  },
);
