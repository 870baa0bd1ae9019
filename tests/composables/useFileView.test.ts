import { nextTick, ref } from 'vue'
import { describe, expect, it } from 'vitest'
import type { ChatFile } from '../../shared/types/api'
import { useFileView } from '../../composables/useFileView'

const file = (id: number, name: string, type: string, size: number, minute: number): ChatFile =>
  ({ id, chat_conversation_id: 1, name, type, size, created_at: new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString(), url: '' })

const files = ref([
  file(1, 'Résumé.pdf', 'application/pdf', 300, 1),
  file(2, 'photo 10.jpg', 'image/jpeg', 2000, 2),
  file(3, 'photo 9.jpg', 'image/jpeg', 1000, 3),
  file(4, 'notes.txt', 'text/plain', 10, 3),
])
const names = (list: ChatFile[]) => list.map(f => f.name)

describe('useFileView', () => {
  it('sorts newest first by default (ties by id), and by name as people count, type or size', () => {
    const view = useFileView(files)
    expect(names(view.shown.value)).toEqual(['notes.txt', 'photo 9.jpg', 'photo 10.jpg', 'Résumé.pdf'])
    view.sort.value = 'name'
    expect(names(view.shown.value)).toEqual(['notes.txt', 'photo 9.jpg', 'photo 10.jpg', 'Résumé.pdf'])
    view.sort.value = 'name-desc'
    expect(names(view.shown.value)).toEqual(['Résumé.pdf', 'photo 10.jpg', 'photo 9.jpg', 'notes.txt'])
    view.sort.value = 'type'
    expect(names(view.shown.value)).toEqual(['photo 9.jpg', 'photo 10.jpg', 'Résumé.pdf', 'notes.txt'])
    view.sort.value = 'largest'
    expect(names(view.shown.value)[0]).toBe('photo 10.jpg')
    view.sort.value = 'oldest'
    expect(names(view.shown.value)).toEqual(['Résumé.pdf', 'photo 10.jpg', 'photo 9.jpg', 'notes.txt'])
  })

  it('filters by kind and by name, ignoring case and accents; offers only the kinds present', async () => {
    const view = useFileView(files)
    expect(view.kindItems.value.map(i => i.value)).toEqual(['all', 'image', 'pdf', 'text'])
    view.query.value = 'RESUME'
    expect(names(view.shown.value)).toEqual(['Résumé.pdf'])
    expect(view.filtered.value).toBe(true)
    view.query.value = ''
    view.kind.value = 'image'
    expect(names(view.shown.value).sort()).toEqual(['photo 10.jpg', 'photo 9.jpg'])
    // The last image goes: the filter falls back to every type rather than showing nothing.
    files.value = files.value.filter(f => !f.type.startsWith('image/'))
    await nextTick()
    expect(view.kind.value).toBe('all')
    expect(view.filtered.value).toBe(false)
  })
})
