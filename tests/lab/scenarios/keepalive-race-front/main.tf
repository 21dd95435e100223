# The balancer in front of nginx. In the lab HAProxy (haproxy.cfg) plays it, with the same
# idle timeout.
resource "aws_lb" "shop" {
  name               = "shop"
  load_balancer_type = "application"
  subnets            = var.public_subnets
  idle_timeout       = 15
}
