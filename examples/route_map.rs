//! The main job: walk the route map for the Coventry and Warwickshire Out of Hospital programme.
fn main() {
    println!("route map: under construction");
}
