package dev.bulwark.testsupport;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Compares two value objects accessor by accessor (every public, non-static, no-argument method
 * that returns something), for settings classes that define no {@code equals}: a
 * {@code toBuilder()} round trip must give back every value.
 */
public final class SameValues {
    private static final Set<String> SKIPPED = Set.of("toString", "hashCode", "getClass", "toBuilder", "describe");

    private SameValues() {
    }

    /**
     * The accessors whose values differ between the two objects.
     *
     * @param expected the original
     * @param actual the copy
     * @return "name: expected -> actual" for each difference; empty when they agree
     * @throws AssertionError when the classes differ or an accessor throws
     */
    public static List<String> differences(Object expected, Object actual) {
        if (expected.getClass() != actual.getClass()) {
            throw new AssertionError("different classes: " + expected.getClass() + " and " + actual.getClass());
        }
        List<String> out = new ArrayList<>();
        Method[] methods = expected.getClass().getMethods();
        Arrays.sort(methods, (a, b) -> a.getName().compareTo(b.getName()));
        for (Method m : methods) {
            if (m.getParameterCount() != 0 || m.getReturnType() == void.class || Modifier.isStatic(m.getModifiers())
                    || m.getDeclaringClass() == Object.class || SKIPPED.contains(m.getName())) {
                continue;
            }
            try {
                Object a = m.invoke(expected);
                Object b = m.invoke(actual);
                if (!Objects.equals(String.valueOf(a), String.valueOf(b))) {
                    out.add(m.getName() + ": " + a + " -> " + b);
                }
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new AssertionError("accessor " + m.getName() + " failed", e);
            }
        }
        return out;
    }
}
