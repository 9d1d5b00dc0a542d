package dev.cloak.rewriter;

import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * What the driver must do with one SQL text: which {@code ?} parameters and which result columns belong to
 * encrypted columns. Immutable and safe to share between threads.
 */
public final class StatementPlan {

    /** The kind of statement a plan is for. */
    public enum Kind {
        /** Names no configured table: sent untouched. */
        PASS_THROUGH,
        /** A query. */
        SELECT,
        /** An INSERT. */
        INSERT,
        /** An UPDATE. */
        UPDATE,
        /** A DELETE. */
        DELETE,
        /** Schema change on a configured table; not rewritten in this version. */
        DDL
    }

    private final Kind kind;
    private final String sql;
    private final int parameterCount;
    private final EncryptedColumn[] parameters;
    private final List<Projection> projections;
    private final boolean hasEncryptedParameters;
    private final boolean hasEncryptedResults;
    private final List<StarTable> starTables;
    private final List<LiteralSlot> literals;

    private StatementPlan(Kind kind, String sql, int parameterCount, Map<Integer, EncryptedColumn> encrypted,
                          List<Projection> projections, List<StarTable> starTables) {
        this(kind, sql, parameterCount, encrypted, projections, starTables, List.of());
    }

    private StatementPlan(Kind kind, String sql, int parameterCount, Map<Integer, EncryptedColumn> encrypted,
                          List<Projection> projections, List<StarTable> starTables, List<LiteralSlot> literals) {
        this.kind = kind;
        this.sql = sql;
        this.parameterCount = parameterCount;
        this.parameters = new EncryptedColumn[parameterCount + 1];
        encrypted.forEach((index, column) -> parameters[index] = column);
        this.projections = List.copyOf(projections);
        this.hasEncryptedParameters = !encrypted.isEmpty();
        this.hasEncryptedResults = this.projections.stream().anyMatch(StatementPlan::isEncrypted);
        // List.copyOf refuses nulls, and a Column item has no star table
        this.starTables = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(starTables));
        if (this.starTables.size() != this.projections.size()) {
            throw new IllegalArgumentException("one star table entry per projection");
        }
        List<LiteralSlot> sorted = new java.util.ArrayList<>(literals);
        sorted.sort(java.util.Comparator.comparingInt(LiteralSlot::start));
        for (int i = 0; i < sorted.size(); i++) {
            LiteralSlot slot = sorted.get(i);
            if (slot.end() > sql.length() || i > 0 && slot.start() < sorted.get(i - 1).end()) {
                throw new IllegalArgumentException("literal spans overlap or leave the text");
            }
        }
        this.literals = List.copyOf(sorted);
    }

    static StatementPlan passThrough(String sql, int parameterCount) {
        return new StatementPlan(Kind.PASS_THROUGH, sql, parameterCount, Map.of(), List.of(), List.of());
    }

    static StatementPlan of(Kind kind, String sql, int parameterCount, Map<Integer, EncryptedColumn> encrypted,
                            List<Projection> projections) {
        return of(kind, sql, parameterCount, encrypted, projections,
                java.util.Collections.nCopies(projections.size(), null));
    }

    static StatementPlan of(Kind kind, String sql, int parameterCount, Map<Integer, EncryptedColumn> encrypted,
                            List<Projection> projections, List<StarTable> starTables) {
        return of(kind, sql, parameterCount, encrypted, projections, starTables, List.of());
    }

    static StatementPlan of(Kind kind, String sql, int parameterCount, Map<Integer, EncryptedColumn> encrypted,
                            List<Projection> projections, List<StarTable> starTables, List<LiteralSlot> literals) {
        for (int index : encrypted.keySet()) {
            if (index < 1 || index > parameterCount) {
                throw new IllegalArgumentException("parameter index out of range: " + index);
            }
        }
        return new StatementPlan(kind, sql, parameterCount, encrypted, projections, starTables, literals);
    }

    /**
     * One plan for several statements in one text: parameters numbered across the whole text. Refused when a
     * statement returns encrypted results next to another that may return rows, since the driver could not
     * tell which result set the projections describe.
     */
    static StatementPlan combine(String sql, List<StatementPlan> parts, List<SqlText.Piece> pieces) {
        Map<Integer, EncryptedColumn> encrypted = new java.util.HashMap<>();
        List<LiteralSlot> literals = new java.util.ArrayList<>();
        // a part's text may be rewritten (DDL): rebuild the whole text and move literal spans with it
        StringBuilder text = new StringBuilder(sql.length());
        int copied = 0;
        for (int p = 0; p < parts.size(); p++) {
            SqlText.Piece piece = pieces.get(p);
            text.append(sql, copied, piece.start());
            int shift = text.length();
            text.append(parts.get(p).sql);
            copied = piece.start() + piece.text().length();
            for (LiteralSlot slot : parts.get(p).literals) {
                literals.add(new LiteralSlot(slot.start() + shift, slot.end() + shift, slot.column(), slot.value()));
            }
        }
        sql = text.append(sql, copied, sql.length()).toString();
        int offset = 0;
        StatementPlan withResults = null;
        Kind kind = Kind.PASS_THROUGH;
        for (StatementPlan part : parts) {
            for (int i = 1; i <= part.parameterCount; i++) {
                if (part.parameters[i] != null) {
                    encrypted.put(offset + i, part.parameters[i]);
                }
            }
            offset += part.parameterCount;
            if (part.hasEncryptedResults) {
                withResults = part;
            }
            kind = kind == Kind.PASS_THROUGH ? part.kind : kind;
        }
        if (withResults != null) {
            for (StatementPlan part : parts) {
                if (part != withResults && (part.kind == Kind.PASS_THROUGH && mayReturnRows(part.sql)
                        || part.kind == Kind.SELECT || !part.projections.isEmpty())) {
                    throw new Rejection("several statements in one string where one returns encrypted columns"
                            + " and another may return rows are not supported: send them one at a time");
                }
            }
            return new StatementPlan(withResults.kind, sql, offset, encrypted, withResults.projections,
                    withResults.starTables, literals);
        }
        return new StatementPlan(kind, sql, offset, encrypted, List.of(), List.of(), literals);
    }

    /** Unparsed text returns no rows only when it is plain DML or DDL without RETURNING or OUTPUT. */
    private static boolean mayReturnRows(String sql) {
        String lower = sql.strip().toLowerCase(java.util.Locale.ROOT);
        boolean writes = lower.startsWith("insert") || lower.startsWith("update") || lower.startsWith("delete")
                || lower.startsWith("create") || lower.startsWith("alter") || lower.startsWith("drop")
                || lower.startsWith("truncate");
        return !writes || lower.contains("returning") || lower.contains("output");
    }

    private static boolean isEncrypted(Projection projection) {
        if (projection instanceof Projection.Column column) {
            return column.column() != null;
        }
        return !((Projection.AllColumns) projection).encryptedByLowerCaseName().isEmpty();
    }

    /** The kind of statement. */
    public Kind kind() {
        return kind;
    }

    /** The text to send (this version: the input text). */
    public String sql() {
        return sql;
    }

    /** True when no configured table is involved and the text is sent untouched. */
    public boolean passThrough() {
        return kind == Kind.PASS_THROUGH;
    }

    /** The number of {@code ?} in the text. */
    public int parameterCount() {
        return parameterCount;
    }

    /** The encrypted column parameter {@code index} (1-based) binds, or {@code null} for a plain parameter. */
    public EncryptedColumn parameter(int index) {
        return index >= 1 && index <= parameterCount ? parameters[index] : null;
    }

    /** Whether any parameter binds an encrypted column. */
    public boolean hasEncryptedParameters() {
        return hasEncryptedParameters;
    }

    /** The result columns in order; empty for statements without results and for pass-through. */
    public List<Projection> projections() {
        return projections;
    }

    /**
     * The physical table the {@code *} or {@code t.*} item at {@code projectionIndex} (0-based, as in
     * {@link #projections()}) covers, or {@code null} for a single result column or a star whose table is not
     * known. With several star items, the driver asks the database's metadata for each table's column count.
     */
    public StarTable starTable(int projectionIndex) {
        return projectionIndex >= 0 && projectionIndex < starTables.size() ? starTables.get(projectionIndex) : null;
    }

    /** The literals of encrypted columns in the text, in text order; empty when there are none. */
    public List<LiteralSlot> literals() {
        return literals;
    }

    /** Whether the text holds literals of encrypted columns, so it must be {@link #render rendered} before sending. */
    public boolean hasEncryptedLiterals() {
        return !literals.isEmpty();
    }

    /**
     * The text to send: {@link #sql()} with each literal of an encrypted column replaced by what
     * {@code encryptedLiteral} returns for it (the driver encrypts the value and formats a binary literal of its
     * dialect, such as {@code '\x...'::bytea} or {@code X'...'}).
     */
    public String render(java.util.function.Function<LiteralSlot, String> encryptedLiteral) {
        if (literals.isEmpty()) {
            return sql;
        }
        StringBuilder text = new StringBuilder(sql.length() + 64 * literals.size());
        int at = 0;
        for (LiteralSlot slot : literals) {
            text.append(sql, at, slot.start()).append(java.util.Objects.requireNonNull(encryptedLiteral.apply(slot),
                    "encrypted literal"));
            at = slot.end();
        }
        return text.append(sql, at, sql.length()).toString();
    }

    /** Whether any result column must be decrypted. */
    public boolean hasEncryptedResults() {
        return hasEncryptedResults;
    }

    /** Kind, encrypted slots and result columns; never the SQL text, which may hold literals. */
    @Override
    public String toString() {
        Map<Integer, String> slots = new TreeMap<>();
        for (int i = 1; i <= parameterCount; i++) {
            if (parameters[i] != null) {
                slots.put(i, parameters[i].name());
            }
        }
        StringJoiner results = new StringJoiner(", ", "[", "]");
        for (Projection projection : projections) {
            if (projection instanceof Projection.Column column) {
                results.add(column.column() == null ? "plain" : column.column().name());
            } else {
                results.add("*" + ((Projection.AllColumns) projection).encryptedByLowerCaseName().keySet());
            }
        }
        StringJoiner literalColumns = new StringJoiner(", ", "[", "]");
        literals.forEach(slot -> literalColumns.add(slot.column().name()));
        return "StatementPlan[kind=" + kind + ", parameters=" + parameterCount + ", encrypted=" + slots
                + ", literals=" + literalColumns + ", results=" + results + "]";
    }
}
