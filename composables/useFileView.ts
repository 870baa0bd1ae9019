import { computed, ref, toValue, watch } from 'vue'
import type { MaybeRefOrGetter } from 'vue'
import type { ChatFile } from '#shared/types/api'
import { fileKind, fileKindLabels } from '#shared/utils/files'
import type { FileKind } from '#shared/utils/files'

export type FileSort = 'newest' | 'oldest' | 'name' | 'name-desc' | 'type' | 'largest' | 'smallest'

export const fileSortItems: { label: string, value: FileSort }[] = [
  { label: 'Newest first', value: 'newest' }, { label: 'Oldest first', value: 'oldest' },
  { label: 'Name, A to Z', value: 'name' }, { label: 'Name, Z to A', value: 'name-desc' },
  { label: 'Type', value: 'type' }, { label: 'Largest first', value: 'largest' }, { label: 'Smallest first', value: 'smallest' },
]

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' })

/** Names compared as people search them: case and accents ignored ("resume" finds "Résumé"). */
export const foldName = (s: string) => s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLocaleLowerCase()

const comparators: Record<FileSort, (a: ChatFile, b: ChatFile) => number> = {
  'newest': (a, b) => b.created_at.localeCompare(a.created_at) || b.id - a.id,
  'oldest': (a, b) => a.created_at.localeCompare(b.created_at) || a.id - b.id,
  'name': (a, b) => collator.compare(a.name, b.name),
  'name-desc': (a, b) => collator.compare(b.name, a.name),
  'type': (a, b) => collator.compare(fileKindLabels[fileKind(a.type)], fileKindLabels[fileKind(b.type)]) || collator.compare(a.name, b.name),
  'largest': (a, b) => b.size - a.size,
  'smallest': (a, b) => a.size - b.size,
}

/**
 * A chat's files as the list shows them: sorted (newest first by default), filtered by kind and by a part of
 * the name. The kinds offered are those present; a kind that disappears resets the filter.
 */
export function useFileView(files: MaybeRefOrGetter<ChatFile[]>) {
  const sort = ref<FileSort>('newest')
  const kind = ref<FileKind | 'all'>('all')
  const query = ref('')
  const kindItems = computed(() => [
    { label: 'All types', value: 'all' as const },
    ...[...new Set(toValue(files).map(f => fileKind(f.type)))].sort().map(k => ({ label: fileKindLabels[k], value: k })),
  ])
  const shown = computed(() => {
    const q = foldName(query.value.trim())
    return toValue(files)
      .filter(f => (kind.value === 'all' || fileKind(f.type) === kind.value) && (!q || foldName(f.name).includes(q)))
      .sort(comparators[sort.value])
  })
  const filtered = computed(() => kind.value !== 'all' || !!query.value.trim())
  watch(kindItems, (items) => {
    if (!items.some(i => i.value === kind.value)) kind.value = 'all'
  })
  return { sort, kind, query, kindItems, shown, filtered }
}
