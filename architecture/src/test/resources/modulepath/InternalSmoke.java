/** Reflection into an internal package from outside its module: refused on the module path only. */
public class InternalSmoke {
    public static void main(String[] args) throws Exception {
        Class<?> env = Class.forName(args[0]);
        java.lang.reflect.Method m = env.getDeclaredMethods()[0];
        try {
            m.setAccessible(true);
            System.out.println("OPEN " + env.getModule() + " " + m);
        } catch (RuntimeException e) {
            System.out.println("REFUSED " + env.getModule() + " " + e.getClass().getSimpleName());
        }
    }
}
