/** What the compiled sample-support in wt-samples allows by default right now. */
public class OwnOriginsNow {
    public static void main(String[] a) {
        System.out.println("ServiceSettings.ownOrigins(8080) = " + dev.bulwark.samples.support.ServiceSettings.ownOrigins(8080));
    }
}
