/** Lower case, no diacritics, single spaces: "  Nguyễn Văn  Ấn " → "nguyen van an". For search and matching. */
export function foldVietnamese(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** Shows a name partly: the first word whole, then each word's first letter: "Nguyễn Văn An" → "Nguyễn V** A*". */
export function maskName(name: string): string {
  const words = name.trim().split(/\s+/);
  return words
    .map((word, i) => {
      if (i === 0) return word;
      const letters = [...word];
      return letters[0] + '*'.repeat(Math.max(letters.length - 1, 1));
    })
    .join(' ');
}
