// Every icon the app shows, bundled into the client (nuxt.config.ts `icon.clientBundle`): nothing is fetched
// at run time. Nuxt UI's own defaults (app.config) are listed too, since they are not in any scanned file.
export const uiIcons = [
  // Nuxt UI's default icons
  'i-lucide-arrow-left', 'i-lucide-arrow-right', 'i-lucide-arrow-up-right', 'i-lucide-check', 'i-lucide-chevron-down',
  'i-lucide-chevron-left', 'i-lucide-chevron-right', 'i-lucide-chevron-up', 'i-lucide-chevrons-left', 'i-lucide-chevrons-right',
  'i-lucide-ellipsis', 'i-lucide-file', 'i-lucide-folder', 'i-lucide-folder-open', 'i-lucide-loader-circle', 'i-lucide-minus',
  'i-lucide-plus', 'i-lucide-search', 'i-lucide-upload', 'i-lucide-x',
  // File kinds (fileKind in shared/utils/files.ts), chosen at run time
  'i-lucide-file-text', 'i-lucide-file-image', 'i-lucide-file-music', 'i-lucide-file-video', 'i-lucide-file-archive',
  'i-lucide-file-json', 'i-lucide-file-type',
  // Toasts
  'i-lucide-circle-check', 'i-lucide-circle-alert',
]
