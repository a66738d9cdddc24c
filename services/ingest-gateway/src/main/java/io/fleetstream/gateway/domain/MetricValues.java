package io.fleetstream.gateway.domain;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The metrics of one reading, name to value in the order the device sent them, held in two arrays: no map entry and
 * no boxed value per metric. A reading usually has a handful of metrics and the gateway parses hundreds of thousands
 * of readings per second, so a {@code LinkedHashMap} per reading was a measurable share of its allocation. Names are
 * found by a scan up to {@value #SCAN_LIMIT} metrics and through a hash index beyond, so a reading with very many
 * metrics does not make each lookup linear.
 *
 * <p>Read-only as a {@link Map}; filled by the parser through {@link #add}. Not thread-safe while being filled.
 */
public final class MetricValues extends AbstractMap<String, Double> {

    private static final int SCAN_LIMIT = 8;

    private String[] names = new String[4];
    private double[] values = new double[4];
    private int size;
    private Map<String, Integer> index;

    /** Adds a metric; false, and nothing changes, if a metric of that name is already there. */
    public boolean add(String name, double value) {
        if (indexOf(name) >= 0) {
            return false;
        }
        if (size == names.length) {
            names = Arrays.copyOf(names, size * 2);
            values = Arrays.copyOf(values, size * 2);
        }
        names[size] = name;
        values[size] = value;
        size++;
        if (index != null) {
            index.put(name, size - 1);
        } else if (size > SCAN_LIMIT) {
            index = new HashMap<>();
            for (int i = 0; i < size; i++) {
                index.put(names[i], i);
            }
        }
        return true;
    }

    /** The name of the metric at {@code position}, in the order sent. */
    public String name(int position) {
        return names[position];
    }

    /** The value of the metric at {@code position}. */
    public double value(int position) {
        return values[position];
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public boolean containsKey(Object name) {
        return indexOf(name) >= 0;
    }

    @Override
    public Double get(Object name) {
        int position = indexOf(name);
        return position < 0 ? null : values[position];
    }

    @Override
    public Set<Entry<String, Double>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, Double>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < size;
                    }

                    @Override
                    public Entry<String, Double> next() {
                        if (next >= size) {
                            throw new NoSuchElementException();
                        }
                        int position = next++;
                        return new SimpleImmutableEntry<>(names[position], values[position]);
                    }
                };
            }

            @Override
            public int size() {
                return size;
            }
        };
    }

    private int indexOf(Object name) {
        if (index != null) {
            Integer position = index.get(name);
            return position == null ? -1 : position;
        }
        for (int i = 0; i < size; i++) {
            if (names[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }
}
