/**
 * The whole window as a drop target for files, and the clipboard as a source: `dragging` is true while files
 * are dragged over the page; dropped or pasted files go to `onFiles`. Text pasted into a field stays text.
 */
export function useFileDrop(onFiles: (files: File[]) => void) {
  const dragging = ref(false)
  let depth = 0
  const hasFiles = (e: DragEvent) => !!e.dataTransfer && [...e.dataTransfer.types].includes('Files')

  function enter(e: DragEvent) {
    if (!hasFiles(e)) return
    e.preventDefault()
    depth++
    dragging.value = true
  }
  function over(e: DragEvent) {
    if (!hasFiles(e)) return
    e.preventDefault()
    e.dataTransfer!.dropEffect = 'copy'
  }
  function leave(e: DragEvent) {
    if (!hasFiles(e)) return
    depth = Math.max(0, depth - 1)
    if (depth === 0) dragging.value = false
  }
  function drop(e: DragEvent) {
    if (!hasFiles(e)) return
    e.preventDefault()
    depth = 0
    dragging.value = false
    if (e.dataTransfer!.files.length) onFiles([...e.dataTransfer!.files])
  }
  function paste(e: ClipboardEvent) {
    const files = [...(e.clipboardData?.files ?? [])]
    if (!files.length) return
    e.preventDefault()
    onFiles(files.map(named))
  }

  const listeners = { dragenter: enter, dragover: over, dragleave: leave, drop, paste } as const
  onMounted(() => {
    for (const [type, listener] of Object.entries(listeners)) window.addEventListener(type, listener as EventListener)
  })
  onBeforeUnmount(() => {
    for (const [type, listener] of Object.entries(listeners)) window.removeEventListener(type, listener as EventListener)
  })
  return { dragging }
}

/** Screenshots arrive from the clipboard as "image.png": give them a name that says when they were pasted. */
function named(file: File): File {
  if (!/^image\.\w+$/.test(file.name)) return file
  const stamp = new Date().toISOString().slice(0, 19).replace('T', ' ').replace(/:/g, '.')
  return new File([file], `Pasted image ${stamp}.${file.name.split('.').pop()}`, { type: file.type, lastModified: file.lastModified })
}
