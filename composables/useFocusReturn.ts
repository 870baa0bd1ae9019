import { watch } from 'vue'
import type { Ref } from 'vue'
/**
 * Gives focus back to where it was when a dialog opened (dialogs opened from code have no trigger for the
 * dialog library to return to). `fallback` is asked when that element is gone, e.g. a deleted row's button.
 */
export function useFocusReturn(open: Ref<boolean>, fallback?: () => HTMLElement | null | undefined) {
  let previous: HTMLElement | null = null
  watch(open, (isOpen) => {
    if (isOpen && import.meta.client) previous = document.activeElement as HTMLElement | null
  }, { flush: 'sync' })
  /** For the dialog's close-auto-focus event: focus goes back instead of to the page's body. */
  return (event: Event) => {
    event.preventDefault()
    const active = document.activeElement
    // The page may already have moved focus somewhere meaningful (e.g. the row after a deleted one).
    const settled = active && active !== document.body && !active.closest('[role="dialog"]')
    const target = previous?.isConnected ? previous : settled ? null : fallback?.()
    previous = null
    target?.focus()
  }
}
