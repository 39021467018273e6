package org.amfkeys.hmac;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;

/**
 * The symbol names of a 64-bit little-endian ELF file, read in Java so that the check needs no
 * binutils: {@link #dynamic} is what {@code nm -D} lists, {@link #all} adds the static symbol table
 * (what {@code nm} lists) when the file was not stripped.
 */
final class ElfSymbols
{
    private static final int SHT_SYMTAB = 2;
    private static final int SHT_DYNSYM = 11;

    private ElfSymbols()
    {
    }

    /**
     * @param elf the whole file.
     * @return the names in the dynamic symbol table, defined and undefined.
     */
    static Set<String> dynamic(final byte[] elf)
    {
        return names(elf, SHT_DYNSYM);
    }

    /**
     * @param elf the whole file.
     * @return the names in the dynamic and the static symbol tables.
     */
    static Set<String> all(final byte[] elf)
    {
        final Set<String> names = names(elf, SHT_DYNSYM);
        names.addAll(names(elf, SHT_SYMTAB));
        return names;
    }

    private static Set<String> names(final byte[] elf, final int type)
    {
        final ByteBuffer file = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
        if (elf.length < 64 || file.getInt(0) != 0x464c457f || elf[4] != 2 || elf[5] != 1)
        {
            throw new IllegalArgumentException("not a 64-bit little-endian ELF file");
        }
        final int sections = Math.toIntExact(file.getLong(0x28));
        final int sectionSize = file.getShort(0x3a) & 0xffff;
        final int sectionCount = file.getShort(0x3c) & 0xffff;
        final Set<String> names = new TreeSet<>();
        for (int i = 0; i < sectionCount; i++)
        {
            final int section = sections + i * sectionSize;
            if (file.getInt(section + 4) != type)
            {
                continue;
            }
            final int symbols = Math.toIntExact(file.getLong(section + 24));
            final int size = Math.toIntExact(file.getLong(section + 32));
            final int entrySize = Math.toIntExact(file.getLong(section + 56));
            // sh_link names the string table that holds this table's names.
            final int strings = Math.toIntExact(file.getLong(sections + file.getInt(section + 40) * sectionSize + 24));
            for (int symbol = symbols; symbol + entrySize <= symbols + size; symbol += entrySize)
            {
                final int name = file.getInt(symbol);
                if (name != 0)
                {
                    names.add(string(elf, strings + name));
                }
            }
        }
        return names;
    }

    private static String string(final byte[] elf, final int start)
    {
        int end = start;
        while (elf[end] != 0)
        {
            end++;
        }
        return new String(elf, start, end - start, StandardCharsets.US_ASCII);
    }
}
