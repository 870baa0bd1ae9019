// Nuxt UI's theme: one accent, slate greys. Shades are tuned for contrast in assets/css/main.css.
export default defineAppConfig({
  ui: {
    colors: { primary: 'blue', neutral: 'slate', success: 'green', warning: 'amber', error: 'red', info: 'sky' },
  },
})
